/*
 * registry.c - dialects and drivers by name: built in, registered by the
 * application, or loaded at run time from "quarry-<dialect>.so".
 *
 * The registry is process-wide and guarded by a mutex. Registered structs
 * are borrowed for the life of the process; loaded modules are never
 * unloaded (their structs must stay valid).
 */
#include "registry.h"

#include "mem.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef QUARRY_PLUGIN_DIR
#define QUARRY_PLUGIN_DIR "/usr/local/lib/quarry"
#endif

#define MAX_DIALECTS 32
#define MAX_DRIVERS 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t builtins_once = PTHREAD_ONCE_INIT;
static const qr_dialect *dialects[MAX_DIALECTS];
static size_t dialect_count;
static const qr_driver *drivers[MAX_DRIVERS];
static size_t driver_count;

static int check_version(int version, const char *what, const char *name)
{
	if (version < 1 || version > QR_PLUGIN_API_VERSION)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s '%s' has plugin API version %d; this "
				    "quarry supports 1 to %d",
				    what, name ? name : "?", version,
				    QR_PLUGIN_API_VERSION);
	return 0;
}

static int register_dialect_locked(const qr_dialect *d)
{
	int rc = check_version(d->api_version, "dialect", d->name);
	if (rc)
		return rc;
	if (!d->name)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "dialect has no name");
	for (size_t i = 0; i < dialect_count; i++) {
		if (strcmp(dialects[i]->name, d->name) == 0)
			return 0; /* the first registration wins */
	}
	if (dialect_count == MAX_DIALECTS)
		return qr_error_set(QR_ENOMEM, QR_ECLASS_INTERNAL,
				    "too many dialects registered (max %d)",
				    MAX_DIALECTS);
	dialects[dialect_count++] = d;
	return 0;
}

static int register_driver_locked(const qr_driver *d)
{
	int rc = check_version(d->api_version, "driver", d->name);
	if (rc)
		return rc;
	if (!d->name || !d->dialect || !d->connect || !d->execute ||
	    !d->fetch || !d->cursor_free || !d->close)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "driver '%s' lacks a name, dialect or a "
				    "required function",
				    d->name ? d->name : "?");
	for (size_t i = 0; i < driver_count; i++) {
		if (strcmp(drivers[i]->dialect, d->dialect) == 0 &&
		    strcmp(drivers[i]->name, d->name) == 0)
			return 0;
	}
	if (driver_count == MAX_DRIVERS)
		return qr_error_set(QR_ENOMEM, QR_ECLASS_INTERNAL,
				    "too many drivers registered (max %d)",
				    MAX_DRIVERS);
	drivers[driver_count++] = d;
	return 0;
}

static int register_module_locked(const qr_module *m)
{
	int rc = check_version(m->api_version, "module", "");
	if (rc)
		return rc;
	if (m->dialect && (rc = register_dialect_locked(m->dialect)))
		return rc;
	for (size_t i = 0; m->drivers && m->drivers[i]; i++) {
		if ((rc = register_driver_locked(m->drivers[i])))
			return rc;
	}
	return 0;
}

static void load_builtins(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; qr_registry__builtins[i]; i++) {
		const qr_module *m = qr_registry__builtins[i]();
		if (m)
			(void)register_module_locked(m);
	}
	pthread_mutex_unlock(&lock);
}

int qr_register_module(const qr_module *module)
{
	if (!module)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_register_module: module is NULL");
	pthread_once(&builtins_once, load_builtins);
	pthread_mutex_lock(&lock);
	int rc = register_module_locked(module);
	pthread_mutex_unlock(&lock);
	return rc;
}

int qr_register_dialect(const qr_dialect *dialect)
{
	qr_module m = {QR_PLUGIN_API_VERSION, dialect, NULL};
	if (!dialect)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_register_dialect: dialect is NULL");
	return qr_register_module(&m);
}

int qr_register_driver(const qr_driver *driver)
{
	const qr_driver *list[2] = {driver, NULL};
	qr_module m = {QR_PLUGIN_API_VERSION, NULL, list};
	if (!driver)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_register_driver: driver is NULL");
	return qr_register_module(&m);
}

/* Copies the dialect part of "dialect+driver" into buf. */
static void dialect_part(char *buf, size_t cap, const char *name)
{
	size_t n = strcspn(name, "+");
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, name, n);
	buf[n] = '\0';
}

static const qr_dialect *find_dialect_locked(const char *name)
{
	for (size_t i = 0; i < dialect_count; i++) {
		if (strcmp(dialects[i]->name, name) == 0)
			return dialects[i];
	}
	return NULL;
}

static const qr_driver *find_driver_locked(const char *dialect,
					   const char *driver)
{
	for (size_t i = 0; i < driver_count; i++) {
		if (strcmp(drivers[i]->dialect, dialect) == 0 &&
		    strcmp(drivers[i]->name, driver) == 0)
			return drivers[i];
	}
	return NULL;
}

/* Tries to dlopen "quarry-<dialect>.so" from one folder. */
static bool try_load(const char *dir, const char *dialect, char *tried,
		     size_t tried_cap)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/quarry-%s.so", dir, dialect);
	if (n < 0 || (size_t)n >= sizeof(path))
		return false;
	size_t used = strlen(tried);
	if (used + strlen(path) + 3 < tried_cap)
		snprintf(tried + used, tried_cap - used, "%s%s",
			 used ? ", " : "", path);
	void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle)
		return false;
	qr_module_entry_fn entry;
	*(void **)&entry = dlsym(handle, QR_MODULE_ENTRY);
	const qr_module *m = entry ? entry() : NULL;
	if (!m || register_module_locked(m) != 0) {
		dlclose(handle);
		return false;
	}
	return true; /* never unloaded: its structs stay registered */
}

/* Loads the module for a dialect name from the plugin path. */
static void load_module_locked(const char *dialect, char *tried,
			       size_t tried_cap)
{
	for (const char *p = dialect; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return; /* never build paths from odd names */
	}
	const char *env = getenv("QUARRY_PLUGIN_PATH");
	if (env && *env) {
		char *copy = strdup(env), *save = NULL;
		for (char *dir = copy ? strtok_r(copy, ":", &save) : NULL; dir;
		     dir = strtok_r(NULL, ":", &save)) {
			if (try_load(dir, dialect, tried, tried_cap)) {
				free(copy);
				return;
			}
		}
		free(copy);
	}
	(void)try_load(QUARRY_PLUGIN_DIR, dialect, tried, tried_cap);
}

/* The name this thread found last and its dialect: qr_compile() by name
 * looks the same one up at every call. Registrations are never undone
 * and the first one of a name wins, so a name once found keeps its
 * dialect. */
static _Thread_local struct {
	char name[64];
	const qr_dialect *dialect;
} last_found;

int qr_dialect_find(const qr_dialect **out, const char *name)
{
	char dname[64], tried[1024];

	tried[0] = '\0'; /* not the whole buffer: this runs per execution */

	if (!out || !name)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_dialect_find: NULL argument");
	if (last_found.dialect && strcmp(name, last_found.name) == 0) {
		*out = last_found.dialect;
		return 0;
	}
	*out = NULL;
	pthread_once(&builtins_once, load_builtins);
	dialect_part(dname, sizeof(dname), name);
	pthread_mutex_lock(&lock);
	const qr_dialect *d = find_dialect_locked(dname);
	if (!d) {
		load_module_locked(dname, tried, sizeof(tried));
		d = find_dialect_locked(dname);
	}
	pthread_mutex_unlock(&lock);
	if (!d)
		return qr_error_set(QR_ENODIALECT, QR_ECLASS_ARGUMENT,
				    "can't load plugin: no dialect '%s' is "
				    "built in or registered (looked for %s)",
				    dname, tried[0] ? tried : "no module");
	if (strlen(name) < sizeof(last_found.name)) {
		strcpy(last_found.name, name);
		last_found.dialect = d;
	}
	*out = d;
	return 0;
}

int qr_driver_find(const qr_driver **out, const char *dialect,
		   const char *driver)
{
	char tried[1024] = "";
	const qr_dialect *d;

	if (!out || !dialect)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_driver_find: NULL argument");
	*out = NULL;
	int rc = qr_dialect_find(&d, dialect);
	if (rc)
		return rc;
	const char *dname = driver ? driver : d->default_driver;
	if (!dname)
		return qr_error_set(QR_ENODIALECT, QR_ECLASS_ARGUMENT,
				    "dialect '%s' names no default driver",
				    d->name);
	pthread_mutex_lock(&lock);
	const qr_driver *drv = find_driver_locked(d->name, dname);
	if (!drv) {
		load_module_locked(d->name, tried, sizeof(tried));
		drv = find_driver_locked(d->name, dname);
	}
	pthread_mutex_unlock(&lock);
	if (!drv)
		return qr_error_set(
			QR_ENODIALECT, QR_ECLASS_ARGUMENT,
			"can't load plugin: driver '%s+%s' is not built into "
			"this quarry nor loadable (looked for %s)",
			d->name, dname, tried[0] ? tried : "no module");
	*out = drv;
	return 0;
}

static int cmp_word(const void *key, const void *elem)
{
	return strcmp((const char *)key, *(const char *const *)elem);
}

bool qr_dialect_needs_quote(const qr_dialect *dialect, const char *word)
{
	char lower[128];
	size_t n;

	if (!word || !*word)
		return true;
	n = strlen(word);
	if (n >= sizeof(lower))
		return true;
	if ((word[0] >= '0' && word[0] <= '9') || word[0] == '$')
		return true;
	for (size_t i = 0; i < n; i++) {
		char c = word[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '$'))
			return true; /* upper case or special */
		lower[i] = c;
	}
	lower[n] = '\0';
	if (dialect && dialect->reserved_words &&
	    bsearch(lower, dialect->reserved_words,
		    dialect->reserved_word_count, sizeof(const char *),
		    cmp_word))
		return true;
	return false;
}
