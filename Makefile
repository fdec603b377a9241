# SPDX-License-Identifier: GPL-2.0
#
# make            build extnet.ko (against Debian's 6.1 headers) and the tool
# make demo       the two-site story in QEMU
# make check      every test, on Debian's stock kernel and on a KASAN/lockdep/
#                 kmemleak kernel with the KUnit suites (built once, cached);
#                 closes with "N passed, N failed"; EXTNET_DEBUG=0 make check:
#                 stock kernel only
# make bench      extnet vs kernel vxlan vs routing in QEMU (build/bench/results.md)
# make profile    where the forwarding time goes, X vs V (function counts,
#                 perf samples; build/profile/run.log)
#
# Both install what they need from Debian's archive on first use.

KVER ?= 6.1.0-56-amd64
KDIR ?= /usr/src/linux-headers-$(KVER)
EXTNET_CACHE ?= /var/cache/extnet
# checkpatch.pl of Debian's 6.1 source, unpacked or in the debug kernel tree
# that "make check-debug" builds (selftests/qemu/build-debug-kernel.sh).
CHECKPATCH ?= $(firstword $(wildcard /usr/src/linux-source-6.1/scripts/checkpatch.pl) \
	$(wildcard $(EXTNET_CACHE)/linux-source-6.1/scripts/checkpatch.pl) \
	$(wildcard $(EXTNET_CACHE)/debug-*/scripts/checkpatch.pl))

export KVER

.PHONY: all module tool progs deps demo check check-debug bench profile clean lint

all: module tool progs

deps:
	bash selftests/qemu/setup.sh

module:
	@test -d $(KDIR) || bash selftests/qemu/setup.sh
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1

tool:
	@pkg-config --exists libmnl || bash selftests/qemu/setup.sh
	$(MAKE) -C tools

progs:
	$(MAKE) -C selftests/progs

demo: deps all
	bash selftests/demo.sh

# Both kernels in parallel guests (selftests/run_all.sh, selftests/README).
check: deps all
	bash selftests/run_all.sh

# Kept for habit: make check has run the debug kernel too since it was folded
# in.
check-debug: check

# Benchmarks (Documentation/benchmarks.md); BENCH_ARGS e.g. "--rounds 3 --secs 3".
bench: deps all
	bash selftests/bench/run_bench.sh $(BENCH_ARGS)

# selftests/bench_profile.sh with perf in the guest (installs linux-perf).
profile: deps all
	EXTNET_PROFILE=1 bash selftests/qemu/setup.sh
	mkdir -p build/profile
	EXTNET_GUEST_TOOLS=perf QEMU_MEM=2G EXTNET_SKIP_SETUP=1 bash -o pipefail -c \
		'bash selftests/qemu/run.sh -o build/profile -t 900 selftests/bench_profile.sh \
		2>&1 | tee build/profile/run.log'

# Kernel style and static checks (not part of check: they need the kernel
# source for checkpatch, see Documentation/).
lint:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 C=2
	@test -n "$(CHECKPATCH)" || { echo "lint: no checkpatch.pl; run make check-debug or unpack linux-source-6.1" >&2; exit 1; }
	perl $(CHECKPATCH) --strict --no-tree --terse -f \
		$(filter-out %.mod.c,$(wildcard kmod/*.c)) kmod/*.h uapi/linux/extnet.h

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools clean
	$(MAKE) -C selftests/progs clean
