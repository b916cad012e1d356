# OpenCCAS — `make` builds, `make run` serves a demo, `make test` runs the
# whole suite (SQLite and PostgreSQL, plain and ASan+UBSan builds).
VERSION := 0.1.0
PKGS := libmicrohttpd sqlite3 libpq jansson libsodium libutf8proc xlsxwriter libcrypto libcurl
CC ?= cc
WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
ifeq ($(CI),true)
WARN += -Werror
endif
BASE_CFLAGS := -std=c17 -D_GNU_SOURCE -DOPENCCAS_VERSION='"$(VERSION)"' -Isrc -Ibuild/gen $(WARN) \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhpdf -lzint -lpthread -lm
REL_CFLAGS := $(BASE_CFLAGS) -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
ASAN_CFLAGS := $(BASE_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined

SRC := $(shell find src -name '*.c' | sort)
LIB_SRC := $(filter-out src/main.c,$(SRC))
ASSETS := assets/style.css assets/app.js assets/openapi.json build/gen/htmx.min.js docs/reglement-exemple.txt

ifeq ($(strip $(shell pkg-config --exists $(PKGS) 2>/dev/null && echo yes)),)
ifneq ($(filter-out deps run test test-fresh clean,$(or $(MAKECMDGOALS),all)),)
$(error Bibliothèques de développement manquantes : lancez « make deps » (ou « make run », qui les installe))
endif
endif

REL_OBJ := $(patsubst src/%.c,build/rel/%.o,$(SRC)) build/rel/assets.o
ASAN_OBJ := $(patsubst src/%.c,build/asan/%.o,$(SRC)) build/asan/assets.o

.PHONY: all asan deps run test test-fresh fuzz bench clean bench-quick check-deps
all: build/openccas

deps:
	@bash scripts/deps.sh

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

build/gen/htmx.min.js: node_modules/.package-lock.json
	@mkdir -p build/gen
	cp node_modules/htmx.org/dist/htmx.min.js $@

build/embed: tools/embed.c
	@mkdir -p build
	$(CC) -O1 -o $@ $<

build/gen/assets.c: build/embed $(ASSETS)
	@mkdir -p build/gen
	build/embed $@ $(ASSETS)

build/rel/%.o: src/%.c $(shell find src -name '*.h')
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -c -o $@ $<
build/rel/assets.o: build/gen/assets.c
	$(CC) $(REL_CFLAGS) -c -o $@ $<
build/openccas: $(REL_OBJ)
	$(CC) -o $@ $^ $(LIBS)

build/asan/%.o: src/%.c $(shell find src -name '*.h')
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -c -o $@ $<
build/asan/assets.o: build/gen/assets.c
	$(CC) $(ASAN_CFLAGS) -c -o $@ $<
build/asan/openccas: $(ASAN_OBJ)
	$(CC) -fsanitize=address,undefined -o $@ $^ $(LIBS)
asan: build/asan/openccas

# Unit tests link the library objects (everything but main.c).
TEST_UNIT := $(patsubst tests/unit/%.c,build/asan/test_%,$(wildcard tests/unit/*.c))
TEST_HTTP := $(patsubst tests/http/%.c,build/asan/http_%,$(wildcard tests/http/*.c))
# The example module (tests/example) is linked into the unit tests only.
EXAMPLE_SRC := $(wildcard tests/example/*.c)
build/asan/test_%: tests/unit/%.c tests/t.h $(EXAMPLE_SRC) $(filter-out build/asan/main.o,$(ASAN_OBJ))
	$(CC) $(ASAN_CFLAGS) -Itests -o $@ $< $(EXAMPLE_SRC) $(filter-out build/asan/main.o,$(ASAN_OBJ)) $(LIBS)
build/asan/http_%: tests/http/%.c tests/t.h tests/http/h.h
	$(CC) $(ASAN_CFLAGS) -Itests -o $@ $< $(LIBS) -lcurl
tests-build: $(TEST_UNIT) $(TEST_HTTP) build/asan/openccas build/openccas

# Fuzz targets (clang libFuzzer) over the parsers of outside input.
FUZZ := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/*.c))
FUZZ_SRC := src/web/parse.c src/core/text.c src/core/arena.c src/core/buf.c src/core/civil.c src/core/csv.c src/core/sheet.c src/core/sheet_row.c src/core/sheet_xlsx.c src/core/money.c src/modules/aid/aid_rules.c src/modules/aid/aid_engine.c
build/fuzz/%: tests/fuzz/%.c $(FUZZ_SRC)
	@mkdir -p build/fuzz
	clang -std=c17 -D_GNU_SOURCE -Isrc -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_SRC) \
		$(shell pkg-config --cflags --libs libutf8proc) -lz
fuzz-build: $(FUZZ)

# run and test install what is missing first, then build in a second make:
# that one reads this Makefile again, after the -dev packages exist, so
# its pkg-config flags are right on the very first run of a fresh machine.
DATA ?= data/ccas.db
run:
	@bash scripts/deps.sh
	@$(MAKE) --no-print-directory build/openccas
	@mkdir -p $(dir $(DATA))
	@# As root the server runs as nobody: it needs to create SQLite's -wal file beside the database.
	@if [ "$$(id -u)" -eq 0 ] && [ "$(dir $(DATA))" = "data/" ]; then chown nobody: data; fi
	@if [ ! -f $(DATA) ]; then ./build/openccas demo --db sqlite:$(DATA) --households 2000; fi
	@echo ""
	@echo "  OpenCCAS : http://127.0.0.1:8080/   (Ctrl+C pour arrêter)"
	@echo "  Connexion de démonstration : admin@demo.openccas.fr, accueil@…, social@…, instructeur@…,"
	@echo "  responsable@…, commission@…, dpo@… (domaine demo.openccas.fr) — mot de passe : demo-openccas-2026"
	@echo ""
	./build/openccas serve --db sqlite:$(DATA) --insecure-cookies $$([ "$$(id -u)" -eq 0 ] && echo "--user nobody")

test:
	@bash scripts/deps.sh --test
	@bash scripts/test.sh

# The proof on a fresh Debian 12 root filesystem (debootstrap, chroot):
# make run, then make test, as a newcomer would. Root only; long.
test-fresh:
	@bash scripts/test-fresh.sh

fuzz: fuzz-build
	@bash scripts/fuzz.sh 300

# The benchmark (bench/run.sh, BENCHMARK.md): the day at the counter at
# 40,000, 400,000 and 1,000,000 households on SQLite and the growth curve
# (bench/curve.sh), then the reference size on PostgreSQL; each dataset is
# built once (1,000,000 households: about a quarter of an hour).
# bench-quick at 40,000 households on SQLite for a few minutes.
bench: deps
	@bash bench/run.sh 40000 sqlite
	@bash bench/run.sh 400000 sqlite
	@bash bench/run.sh 1000000 sqlite
	@bash bench/curve.sh sqlite 40000 400000 1000000
	@bash bench/run.sh 400000 postgresql

bench-quick: deps
	@bash bench/run.sh 40000 sqlite

clean:
	rm -rf build

# Search floor (storage alone) for the closing figures and make bench.
build/search_floor: bench/search_floor.c $(filter-out build/rel/main.o,$(REL_OBJ))
	$(CC) $(REL_CFLAGS) -o $@ $< $(filter-out build/rel/main.o,$(REL_OBJ)) $(LIBS)
