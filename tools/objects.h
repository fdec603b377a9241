/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXTNET_OBJECTS_H
#define EXTNET_OBJECTS_H

/* Entry points of the objects: argv[0] is the command after the object. */
int do_link(int argc, char **argv);
int do_map(int argc, char **argv);
int do_neigh(int argc, char **argv);
int do_route(int argc, char **argv);
int do_monitor(int argc, char **argv);

/* Grammar lines of each object, NULL-terminated, for the usage texts. */
extern const char *const link_grammar[];
extern const char *const map_grammar[];
extern const char *const neigh_grammar[];
extern const char *const route_grammar[];
extern const char *const monitor_grammar[];

#endif
