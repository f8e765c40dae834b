# jwt_auth — PGXS build. The version lives in jwt_auth.control only.
EXTENSION = jwt_auth
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)
# The install script is built from src/sql/, one file per concern, in this order.
SQL_PARTS = head tokens pgjwt keystore users sessions context throttle privileges
DATA_built = $(EXTENSION)--$(EXTVERSION).sql

include src/core.mk
GLUE_SRCS = args.c context.c errors.c jsonb.c keystore.c pgjwt.c sessions.c standing.c throttle.c tokens.c
MODULE_big = $(EXTENSION)
OBJS = $(EXTENSION).o $(addprefix src/,$(GLUE_SRCS:.c=.o) $(CORE_SRCS:.c=.o))

PG_CPPFLAGS = -I$(srcdir)/src
# -Wextra on top of PostgreSQL's warnings (less what its own headers trip);
# `make WERROR=1` (the test command) turns every warning into an error.
PG_CFLAGS = -Wextra -Wno-unused-parameter -Wno-missing-field-initializers $(if $(WERROR),-Werror)
SHLIB_LINK = -lcrypto

REGRESS = sign verify claims decode errors pgjwt algorithms keystore vectors vectors_jose hostile \
	users login sessions context
REGRESS_OPTS = --load-extension=pgcrypto --load-extension=$(EXTENSION)

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
$(OBJS): $(wildcard src/*.h)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
