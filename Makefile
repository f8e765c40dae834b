# jwt_auth — PGXS build. The version lives in jwt_auth.control only.
#
#   make                 the module and the current install script (WERROR=1: warnings are errors)
#   make install         as root
#   make installcheck    pg_regress (sql/, expected/) and the Perl TAP tests (test/t/) against
#                        the installed extension; scripts/test runs every suite
EXTENSION = jwt_auth
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

# `make` builds everything: the install-script rule below must not become the default goal.
.DEFAULT_GOAL := all

# The current version's install script is built from src/sql/, one file per concern, in this
# order. Released install scripts and the update steps between versions are kept as they
# shipped, in src/sql/versions/.
SQL_PARTS = head tokens pgjwt keystore users sessions context cookies throttle lifecycle issuers fetch privileges
DATA_built = $(EXTENSION)--$(EXTVERSION).sql
DATA = $(filter-out $(DATA_built),$(notdir $(wildcard src/sql/versions/$(EXTENSION)--*.sql)))
DATA := $(addprefix src/sql/versions/,$(DATA))

# src/core: plain C on OpenSSL, no PostgreSQL header (also built by the unit tests and fuzzers);
# src/pg: the glue that turns SQL arguments into core calls and core results into SQL.
include src/core/core.mk
GLUE_SRCS = args.c changes.c context.c errors.c fetch.c issuers.c jsonb.c keystore.c memory.c passwords.c pgjwt.c record.c sessions.c standing.c throttle.c tokencache.c tokens.c
MODULE_big = $(EXTENSION)
OBJS = $(EXTENSION).o $(addprefix src/pg/,$(GLUE_SRCS:.c=.o)) $(addprefix src/core/,$(CORE_SRCS:.c=.o))

PG_CPPFLAGS = -I$(srcdir)/src/core -I$(srcdir)/src/pg
# -Wextra on top of PostgreSQL's warnings (less what its own headers trip); `make WERROR=1`
# turns every warning into an error. Symbols are hidden unless marked PGDLLEXPORT (as
# PG_FUNCTION_INFO_V1 and PG_MODULE_MAGIC do): the module exports _PG_init and the SQL
# entry points, and the core's names stay inside it.
PG_CFLAGS = -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -fvisibility=hidden \
	$(if $(WERROR),-Werror)
PG_CPPFLAGS += -D'PGDLLEXPORT=__attribute__((visibility("default")))'
SHLIB_LINK = $(CORE_LIBS)

REGRESS = sign verify claims decode errors pgjwt algorithms keystore vectors vectors_jose hostile \
	users login sessions context lifecycle issuers fetch
REGRESS_OPTS = --load-extension=pgcrypto --load-extension=$(EXTENSION)
# `make installcheck` also runs test/t/*.pl with PostgreSQL::Test::Cluster (as a user other
# than root: initdb refuses root).
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

$(EXTENSION)--$(EXTVERSION).sql: $(addprefix src/sql/,$(SQL_PARTS:=.sql))
	cat $^ > $@

# PGXN's META.json carries the version as semver (1.0 -> 1.0.0), from the control file.
EXTSEMVER = $(shell echo '$(EXTVERSION)' | awk -F. '{ printf "%d.%d.%d", $$1, $$2, $$3 }')
META.json: META.json.in $(EXTENSION).control
	sed -e 's/@SEMVER@/$(EXTSEMVER)/g' -e 's/@VERSION@/$(EXTVERSION)/g' $< > $@

# The release archive for PGXN: the committed tree at HEAD plus the generated META.json.
DISTNAME = $(EXTENSION)-$(EXTSEMVER)
dist: META.json
	git archive --format=zip --prefix=$(DISTNAME)/ --add-file=META.json -o $(DISTNAME).zip HEAD
	@echo "wrote $(DISTNAME).zip"
.PHONY: dist
EXTRA_CLEAN = META.json $(EXTENSION)-*.zip

# Every object is rebuilt when a header changes (PGXS tracks no dependencies).
$(OBJS): $(wildcard src/core/*.h src/pg/*.h)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# after PGXS, which sets PROVE_FLAGS: the Perl tests' shared helpers
PROVE_FLAGS += -I test/perl
