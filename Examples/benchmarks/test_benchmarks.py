"""Tests of the benchmark suite's Python side (the tables, the baselines, the verdicts, the page).

    /path/to/venv/bin/python -m unittest discover -s Examples/benchmarks

Reference values come from elsewhere than the code under test: scipy's distributions with the
formulas retyped from the issue, scikit-learn's logistic regression, statsmodels' own
log-likelihood, numpy's least squares, and hand-worked examples. Everything that draws is seeded.
"""

import argparse
import json
import os
import tempfile
import unittest
import warnings

import numpy as np
import pandas as pd
import scipy.special
import scipy.stats

import baselines
import export_tables
import real_tables
import run_suite
import synthetic_tables


class SyntheticTablesTests(unittest.TestCase):
    def test_true_nll_is_the_stated_model(self):
        def normal(frame, mean, sd):
            return -scipy.stats.norm.logpdf(frame["y"], mean, sd)

        x5 = lambda frame: frame[[f"x{j}" for j in range(1, 6)]].to_numpy()
        expected = {
            "heteroscedastic": lambda f: normal(f, 2 * np.sin(f["x"]) + 0.3 * f["x"], 0.15 + 0.6 * np.abs(np.sin(f["x"] / 2))),
            "wiggly": lambda f: normal(f, f["x"] * np.cos(f["x"]), 0.2 + 0.1 * np.abs(f["x"])),
            "linear_gaussian": lambda f: normal(f, 0.5 + x5(f) @ [1, -0.5, 0.25, 0, 2], 1.0),
            "logistic": lambda f: -scipy.stats.bernoulli.logpmf(f["y"], scipy.special.expit(-0.25 + x5(f) @ [1.5, -1, 0.5, 0, 0.75])),
        }
        for table in synthetic_tables.TABLES:
            frame = synthetic_tables.generate(table, seed=7)
            self.assertEqual(len(frame), table.rows, table.name)
            np.testing.assert_allclose(synthetic_tables.true_nll(table.name, frame), expected[table.name](frame),
                                       rtol=1e-12, atol=1e-12, err_msg=table.name)

    def test_draws_follow_the_model(self):
        # Standardized residuals of the normal tables have mean 0 and sd 1 within 4 standard errors;
        # the logistic table's mean of y matches the mean true probability within 4 standard errors.
        for table in synthetic_tables.TABLES:
            frame = synthetic_tables.generate(table, seed=3)
            if table.family == "normal":
                if table.name == "linear_gaussian":
                    z = frame["y"] - synthetic_tables.linear_mean(frame)
                else:
                    moments = {"heteroscedastic": synthetic_tables.heteroscedastic_moments,
                               "wiggly": synthetic_tables.wiggly_moments}[table.name](frame["x"])
                    z = (frame["y"] - moments[0]) / moments[1]
                self.assertLess(abs(z.mean()), 4 / np.sqrt(table.rows), table.name)
                self.assertLess(abs(z.std() - 1), 4 / np.sqrt(2 * table.rows), table.name)
            else:
                p = scipy.special.expit(synthetic_tables.logistic_logit(frame))
                self.assertLess(abs(frame["y"].mean() - p.mean()), 4 * np.sqrt(np.mean(p * (1 - p)) / table.rows))

    def test_test_nll_is_the_mean_over_the_given_rows(self):
        frame = synthetic_tables.generate(synthetic_tables.BY_NAME["wiggly"], seed=1)
        rows = [3, 10, 11]
        self.assertAlmostEqual(synthetic_tables.true_test_nll("wiggly", frame, rows),
                               float(np.mean(synthetic_tables.true_nll("wiggly", frame)[rows])), places=12)

    def test_the_same_seed_draws_the_same_table(self):
        table = synthetic_tables.BY_NAME["logistic"]
        pd.testing.assert_frame_equal(synthetic_tables.generate(table, 5), synthetic_tables.generate(table, 5))
        self.assertFalse(synthetic_tables.generate(table, 5).equals(synthetic_tables.generate(table, 6)))


class DesignTests(unittest.TestCase):
    def test_hand_worked_encoding(self):
        train = pd.DataFrame({"a": [0.0, np.nan, 4.0, 2.0], "c": ["u", "v", np.nan, "u"], "k": [4, 4, 4, 4]})
        test = pd.DataFrame({"a": [np.nan, 5.0], "c": ["w", "v"], "k": [4, 9]})
        x_train, x_test = baselines.design(train, test, ["a", "c", "k"])
        # a: [0, 2, 4, 2] after imputing the training mean 2, then standardized by its sd √2.
        # c's categories are missing (the reference), u, v: u = [1, 0, 0, 1] (mean ½, sd ½),
        # v = [0, 1, 0, 0] (mean ¼, sd √3/4). k is constant in training and dropped.
        np.testing.assert_allclose(x_train, np.column_stack([
            np.array([-2, 0, 2, 0]) / np.sqrt(2), [1, -1, -1, 1], (np.array([0, 1, 0, 0]) - 0.25) / (np.sqrt(3) / 4)]))
        # test: a missing takes the training mean (0 after scaling); "w" was never seen, so its
        # one-hot cells are 0 before scaling; "v" is (u, v) = (0, 1).
        np.testing.assert_allclose(x_test, np.column_stack([
            [0, 3 / np.sqrt(2)], [-1, -1], (np.array([0, 1]) - 0.25) / (np.sqrt(3) / 4)]))

    def test_aliased_columns_are_dropped(self):
        random = np.random.default_rng(2)
        a, b = random.standard_normal(50), random.standard_normal(50)
        frame = pd.DataFrame({"a": a, "b": b, "difference": a - 2 * b, "c": random.standard_normal(50)})
        x_train, x_test = baselines.design(frame, frame.iloc[:5], ["a", "b", "difference", "c"])
        self.assertEqual(x_train.shape, (50, 3))
        self.assertEqual(np.linalg.matrix_rank(x_train), 3)
        self.assertEqual(x_test.shape, (5, 3))


class GLMTests(unittest.TestCase):
    def setUp(self):
        self.random = np.random.default_rng(11)

    def test_normal_is_ols_with_the_mle_variance(self):
        x = self.random.standard_normal((60, 2))
        y = 1 + x @ [2.0, -1.0] + 0.5 * self.random.standard_normal(60)
        x_test, y_test = x[:10] + 0.1, y[:10]
        design = np.column_stack([np.ones(60), x])
        beta = np.linalg.lstsq(design, y, rcond=None)[0]
        variance = np.sum((y - design @ beta) ** 2) / 60
        mean = np.column_stack([np.ones(10), x_test]) @ beta
        expected = 0.5 * np.log(2 * np.pi * variance) + (y_test - mean) ** 2 / (2 * variance)
        np.testing.assert_allclose(baselines.glm_normal(x, y, x_test, y_test, 1), expected, rtol=1e-9)

    def test_bernoulli_matches_unpenalized_logistic_regression(self):
        from sklearn.linear_model import LogisticRegression
        x = self.random.standard_normal((400, 3))
        y = (self.random.uniform(size=400) < scipy.special.expit(0.3 + x @ [1.0, -2.0, 0.5])).astype(float)
        reference = LogisticRegression(penalty=None, tol=1e-10, max_iter=10000).fit(x, y)
        expected = -np.log(reference.predict_proba(x)[np.arange(400), y.astype(int)])
        np.testing.assert_allclose(baselines.glm_bernoulli(x, y, x, y, 1), expected, rtol=1e-5, atol=1e-7)

    def test_negbinomial_scores_as_statsmodels_likelihood(self):
        import statsmodels.api as sm
        x = self.random.standard_normal((500, 2))
        mean, alpha = np.exp(0.5 + x @ [0.3, -0.2]), 0.7
        y = self.random.negative_binomial(1 / alpha, 1 / (1 + alpha * mean)).astype(float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitted = sm.NegativeBinomial(y, sm.add_constant(x), loglike_method="nb2").fit(disp=0, maxiter=500)
        # Scored on its own training rows, the mean NLL is -log-likelihood / n of statsmodels' fit.
        self.assertAlmostEqual(float(np.mean(baselines.glm_negbinomial(x, y, x, y, 1))), -fitted.llf / 500, places=6)

    def test_ngboost_is_the_same_for_the_same_seed(self):
        x = self.random.standard_normal((150, 3))
        y = np.round(x[:, 0], 1) + self.random.standard_normal(150)             # ties between candidate splits
        first, second = (baselines.ngboost("normal")(x, y, x[:20], y[:20], 4) for _ in range(2))
        np.testing.assert_array_equal(first, second)

    def test_separated_classes_fail_instead_of_crashing(self):
        x = np.linspace(-1, 1, 40).reshape(-1, 1)
        y = (x[:, 0] > 0).astype(float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with self.assertRaisesRegex(RuntimeError, "did not converge"):
                baselines.glm_bernoulli(x, y, x, y, 1)


class RunBaselinesTests(unittest.TestCase):
    def write_table_and_splits(self, directory, frame, splits):
        csv = os.path.join(directory, "t.csv")
        frame.to_csv(csv, index=False)
        os.makedirs(os.path.join(directory, "splits"))
        for k, (train, test) in enumerate(splits):
            for part, rows in (("train", train), ("test", test)):
                with open(os.path.join(directory, "splits", f"index_{part}_{k}.txt"), "w") as file:
                    file.write("".join(f"{row}\n" for row in rows))
        return csv, os.path.join(directory, "splits")

    def test_a_failed_split_is_reported_and_the_others_scored(self):
        random = np.random.default_rng(5)
        x = random.standard_normal(200)
        frame = pd.DataFrame({"x": x, "y": (random.uniform(size=200) < scipy.special.expit(x)).astype(int)})
        separated = frame.index[(frame.x > 0) == (frame.y == 1)]              # rows that x separates perfectly
        rows = np.arange(200)
        with tempfile.TemporaryDirectory() as directory:
            csv, splits = self.write_table_and_splits(directory, frame, [(rows[:160], rows[160:]), (separated[:-10], separated[-10:])])
            results = baselines.run_baselines(csv, "y", "bernoulli", splits, ["x"], seed=1)
        glm = results["glm"]
        self.assertEqual(glm["splits_ok"], 1)
        self.assertIn("nll", glm["per_split"][0])
        self.assertIn("did not converge", glm["per_split"][1]["failed"])
        self.assertEqual(glm["nll_mean"], glm["per_split"][0]["nll"])
        self.assertEqual(results["ngboost"]["splits_ok"], 2)

    def test_rows_without_a_target_are_left_out(self):
        frame = pd.DataFrame({"x": np.arange(30.0), "y": [np.nan] + list(np.arange(29.0) * 2 + np.sin(np.arange(29.0)))})
        with tempfile.TemporaryDirectory() as directory:
            csv, splits = self.write_table_and_splits(directory, frame, [(range(0, 24), range(24, 30))])
            glm = baselines.run_baselines(csv, "y", "normal", splits, ["x"])["glm"]
        self.assertEqual(glm["splits_ok"], 1)
        self.assertTrue(np.isfinite(glm["nll_mean"]))

    def test_bad_split_files_name_the_file_and_line(self):
        with tempfile.TemporaryDirectory() as directory:
            for name, text in (("index_train_0.txt", "0\n1\nx2\n"), ("index_test_0.txt", "3\n")):
                with open(os.path.join(directory, name), "w") as file:
                    file.write(text)
            with self.assertRaisesRegex(baselines.SplitError, r"index_train_0.txt: line 3: \"x2\" is not a row index"):
                baselines.read_splits(directory, 10)
            with self.assertRaisesRegex(baselines.SplitError, "row 3 is beyond the table's 2 data rows"):
                baselines.read_indices(os.path.join(directory, "index_test_0.txt"), 2)
            os.remove(os.path.join(directory, "index_test_0.txt"))
            with open(os.path.join(directory, "index_train_0.txt"), "w") as file:
                file.write("0\n")
            with self.assertRaisesRegex(baselines.SplitError, "index_test_0.txt: missing"):
                baselines.read_splits(directory, 10)


class ExportTests(unittest.TestCase):
    def test_targets_are_checked_against_the_family(self):
        export_tables.check_target("t", "bernoulli", pd.Series([0, 1, None, 1]))
        with self.assertRaisesRegex(ValueError, "both 0 and 1"):
            export_tables.check_target("t", "bernoulli", pd.Series([0, 2]))
        with self.assertRaisesRegex(ValueError, "whole numbers"):
            export_tables.check_target("t", "negbinomial", pd.Series([0, 1.5]))

    def test_the_suite_meets_its_quotas(self):
        families = [table.family for table in real_tables.TABLES]
        self.assertGreaterEqual(len(families), 30)
        self.assertGreaterEqual(families.count("normal"), 15)
        self.assertGreaterEqual(families.count("bernoulli"), 8)
        self.assertGreaterEqual(families.count("negbinomial"), 5)
        self.assertEqual(len({table.name for table in real_tables.TABLES}), len(families))

    def test_a_synthetic_table_exports_with_its_manifest_entry(self):
        table = synthetic_tables.BY_NAME["linear_gaussian"]
        frame = synthetic_tables.generate(table, 2)
        frame.loc[4, "x2"] = np.nan
        with tempfile.TemporaryDirectory() as directory:
            entry = export_tables.export(table.name, frame, "y", "normal", table.features, directory)
            written = baselines.read_table(os.path.join(directory, entry["csv"]))
        self.assertEqual(entry["rows"], 500)
        self.assertEqual(entry["missing_feature_cells"], 1)
        self.assertEqual(entry["likely_options"], ["--missing", "impute"])
        np.testing.assert_array_equal(written["y"].to_numpy(), frame["y"].to_numpy())     # floats round-trip exactly


class VerdictAndPageTests(unittest.TestCase):
    def test_verdicts_on_the_common_splits(self):
        likely = {"per_split": [{"nll": 1.0}, {"nll": 2.0}, {"nll": 1.5}]}
        def baseline(values):
            return {"per_split": [{"split": k, "nll": v} if v is not None else {"split": k, "failed": "x"}
                                  for k, v in enumerate(values)]}
        # common splits 0 and 2: differences 0.25 and 0.125 -> mean 0.1875, a win
        self.assertEqual(run_suite.verdict(likely, baseline([1.25, None, 1.625])), ("win", 0.1875))
        self.assertEqual(run_suite.verdict(likely, baseline([0.875, 2.0, 1.5]))[0], "tie")       # mean -0.0417
        self.assertEqual(run_suite.verdict(likely, baseline([0.75, 2.0, 1.5]))[0], "loss")       # mean -0.0833
        self.assertIsNone(run_suite.verdict(likely, baseline([None, None, None])))

    def test_the_results_section_is_replaced_and_the_rest_kept(self):
        with tempfile.TemporaryDirectory() as directory:
            page = os.path.join(directory, "benchmarks.md")
            with open(page, "w") as file:
                file.write("# Benchmarks\n\nHow to run.\n\n## Results\n\nold numbers\n")
            run_suite.write_page(page, "## Results\n\nnew numbers\n")
            with open(page) as file:
                self.assertEqual(file.read(), "# Benchmarks\n\nHow to run.\n\n## Results\n\nnew numbers\n")

    def test_an_earlier_runs_baselines_and_splits_are_reused(self):
        """--baselines-from: Likely reads the earlier split files (--splits-from, not --write-splits)
        and the record keeps the earlier baselines and true NLLs; a table that run did not score
        runs its baselines in full."""
        with tempfile.TemporaryDirectory() as directory:
            earlier, work = os.path.join(directory, "earlier"), os.path.join(directory, "work")
            os.makedirs(os.path.join(earlier, "t", "splits"))
            with open(os.path.join(earlier, "t", "splits", "index_train_0.txt"), "w") as file:
                file.write("0\n1\n")
            table = {"name": "t", "csv": "t.csv", "target": "y", "family": "normal", "features": ["x"],
                     "likely_options": []}
            glm = {"seconds": 1.0, "per_split": [{"split": 0, "nll": 1.5}]}
            with open(os.path.join(earlier, "results.json"), "w") as file:
                json.dump([{"table": table, "baselines": {"glm": glm}, "true_nll": [1.25]}], file)
            likely = os.path.join(directory, "likely")        # prints its arguments as the summary
            with open(likely, "w") as file:
                file.write("#!/usr/bin/env python3\nimport json, sys\n"
                           "print(json.dumps({'nll_mean': 1.0, 'nll_se': 0.0, 'per_split': [{'nll': 1.0}], 'argv': sys.argv}))\n")
            os.chmod(likely, 0o755)
            arguments = argparse.Namespace(likely=likely, data=directory, work=work, splits=1, seed=2,
                                           baselines_from=earlier)
            record = run_suite.run_table(arguments, table)
            argv = record["likely"]["argv"]
            self.assertEqual(argv[argv.index("--splits-from") + 1], os.path.join(work, "t", "splits"))
            self.assertNotIn("--write-splits", argv)
            self.assertEqual(os.listdir(os.path.join(work, "t", "splits")), ["index_train_0.txt"])
            self.assertEqual((record["baselines"], record["true_nll"]), ({"glm": glm}, [1.25]))
            self.assertIsNone(run_suite.earlier_record(arguments, dict(table, name="other")))


if __name__ == "__main__":
    unittest.main()
