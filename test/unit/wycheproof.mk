# The core's signature verification over Project Wycheproof's primitive vectors
# (test/vectors/: ECDSA P1363, RSA PKCS#1 v1.5, RSA-PSS, Ed25519): one
# self-contained binary that prints TAP, one line per vector file.
#   make -f test/unit/wycheproof.mk wycheproof        build build/wycheproof/wycheproof
#   make -f test/unit/wycheproof.mk wycheproof-run    build, then run it on test/vectors
# Works from any directory, on its own or included by test/unit/Makefile; every
# path is relative to this file. Warnings are errors; `SANITIZE=` builds without
# AddressSanitizer and UBSan. The core is compiled here, into
# build/wycheproof/core, never into src/ and apart from the unit tests' objects.

WYCHEPROOF_HERE := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
WYCHEPROOF_SRC := $(WYCHEPROOF_HERE)/../../src/core
WYCHEPROOF_VECTORS := $(WYCHEPROOF_HERE)/../vectors
WYCHEPROOF_BUILD := $(WYCHEPROOF_HERE)/build/wycheproof
WYCHEPROOF_BIN := $(WYCHEPROOF_BUILD)/wycheproof

include $(WYCHEPROOF_SRC)/core.mk

CC ?= gcc
SANITIZE ?= -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
WYCHEPROOF_CFLAGS := -g -O1 -Wall -Wextra -Werror -I$(WYCHEPROOF_SRC) $(SANITIZE)
# the core gets the extension's warning set (see ../../Makefile), as in the unit
# tests' Makefile: an OpenSSL callback there has parameters it does not use
WYCHEPROOF_CORE_CFLAGS := $(WYCHEPROOF_CFLAGS) -Wno-unused-parameter -Wno-missing-field-initializers
WYCHEPROOF_OBJS := $(WYCHEPROOF_BUILD)/wycheproof.o \
	$(addprefix $(WYCHEPROOF_BUILD)/core/,$(CORE_SRCS:.c=.o))

wycheproof: $(WYCHEPROOF_BIN)

wycheproof-run: $(WYCHEPROOF_BIN)
	$(WYCHEPROOF_BIN) $(WYCHEPROOF_VECTORS)

$(WYCHEPROOF_BIN): $(WYCHEPROOF_OBJS)
	$(CC) $(WYCHEPROOF_CFLAGS) -o $@ $^ $(CORE_LIBS)

$(WYCHEPROOF_BUILD)/core/%.o: $(WYCHEPROOF_SRC)/%.c | $(WYCHEPROOF_BUILD)/core
	$(CC) $(WYCHEPROOF_CORE_CFLAGS) -MMD -MP -c -o $@ $<

$(WYCHEPROOF_BUILD)/wycheproof.o: $(WYCHEPROOF_HERE)/wycheproof.c | $(WYCHEPROOF_BUILD)
	$(CC) $(WYCHEPROOF_CFLAGS) -MMD -MP -c -o $@ $<

$(WYCHEPROOF_BUILD) $(WYCHEPROOF_BUILD)/core:
	mkdir -p $@

wycheproof-clean:
	rm -rf $(WYCHEPROOF_BUILD)

.PHONY: wycheproof wycheproof-run wycheproof-clean
-include $(WYCHEPROOF_OBJS:.o=.d)
