// SPDX-License-Identifier: GPL-2.0
/*
 * ethfeat: switch a device's GSO, TSO or GRO on or off (ethtool -K without
 * ethtool, which the guest does not have), through the legacy ethtool ioctl.
 *
 *   ethfeat IF { gso | tso | gro } { on | off } ...
 */
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const struct {
	const char *name;
	unsigned int get, set;
} features[] = {
	{ "gso", ETHTOOL_GGSO, ETHTOOL_SGSO },
	{ "tso", ETHTOOL_GTSO, ETHTOOL_STSO },
	{ "gro", ETHTOOL_GGRO, ETHTOOL_SGRO },
};

static int ethtool(int fd, const char *ifname, struct ethtool_value *ev)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)ev;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

int main(int argc, char **argv)
{
	int fd, i;
	size_t f;

	if (argc < 4 || argc % 2) {
		fprintf(stderr, "usage: ethfeat IF { gso | tso | gro } { on | off } ...\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	for (i = 2; i < argc; i += 2) {
		struct ethtool_value ev = { 0 };
		int on = !strcmp(argv[i + 1], "on");

		for (f = 0; f < sizeof(features) / sizeof(features[0]); f++)
			if (!strcmp(argv[i], features[f].name))
				break;
		if (f == sizeof(features) / sizeof(features[0]) ||
		    (!on && strcmp(argv[i + 1], "off"))) {
			fprintf(stderr, "ethfeat: bad feature \"%s %s\"\n", argv[i], argv[i + 1]);
			return 2;
		}
		ev.cmd = features[f].set;
		ev.data = on;
		if (ethtool(fd, argv[1], &ev) < 0) {
			perror(argv[1]);
			return 1;
		}
		ev.cmd = features[f].get;
		if (ethtool(fd, argv[1], &ev) < 0 || !!ev.data != on) {
			fprintf(stderr, "ethfeat: %s %s is still %s\n", argv[1], argv[i],
				ev.data ? "on" : "off");
			return 1;
		}
	}
	close(fd);
	return 0;
}
