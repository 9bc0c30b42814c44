/*
 * quarry/orm.h - the ORM: mapped C structs, sessions, queries.
 *
 * Built only on the public Core API, as SQLAlchemy's ORM is on its Core.
 * See docs/ORM.md for the guide, and the three headers for the details:
 *   quarry/orm_mapping.h  mappings, registries, mappers, objects, NULLs
 *   quarry/orm_session.h  sessions, identity map, unit of work
 *   quarry/orm_query.h    queries and their results
 *   quarry/orm_relationship.h  relationships, collections, loading
 */
#ifndef QUARRY_ORM_H
#define QUARRY_ORM_H

#include "orm_mapping.h"
#include "orm_query.h"
#include "orm_relationship.h"
#include "orm_session.h"

#endif /* QUARRY_ORM_H */
