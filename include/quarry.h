/*
 * quarry.h - the umbrella header: everything an application uses.
 *
 * Plugin authors (dialects, drivers, pool strategies) also include
 * <quarry/sys/...> headers.
 */
#ifndef QUARRY_H
#define QUARRY_H

#include "quarry/common.h"
#include "quarry/compiler.h"
#include "quarry/connection.h"
#include "quarry/dml.h"
#include "quarry/engine.h"
#include "quarry/error.h"
#include "quarry/exec_events.h"
#include "quarry/expr.h"
#include "quarry/orm.h"
#include "quarry/params.h"
#include "quarry/pool.h"
#include "quarry/result.h"
#include "quarry/schema.h"
#include "quarry/select.h"
#include "quarry/statement.h"
#include "quarry/types.h"
#include "quarry/url.h"
#include "quarry/value.h"

#endif /* QUARRY_H */
