/*
 * claimpath.h — where in the claims a value is: the path an issuer's
 * role_claim gives, in PostgREST's jwt-role-claim-key form
 *
 *   .role                      member "role" of the claims
 *   ."https://example.com/role" a member whose name needs quotes (no '"' inside)
 *   .realm_access.roles[0]     members, then the first element of an array
 *
 * A bare name is letters, digits and _ $ - : ; anything else is quoted.
 */
#ifndef JWT_AUTH_CLAIMPATH_H
#define JWT_AUTH_CLAIMPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define JWT_CLAIM_PATH_MAX_STEPS 16
#define JWT_CLAIM_PATH_MAX_INDEX 1000000

typedef struct jwt_claim_step
{
	const char *name;			/* a member, NUL-terminated (in the path's text), or NULL */
	uint32_t	index;			/* an array element, when name is NULL */
} jwt_claim_step;

typedef struct jwt_claim_path
{
	char	   *text;			/* jwt_malloc'd: the names, each NUL-terminated */
	size_t		nsteps;
	jwt_claim_step steps[JWT_CLAIM_PATH_MAX_STEPS];
} jwt_claim_path;

/* parse path text; JWT_CLAIM_PATH when it is not a path. Free with jwt_claim_path_free(). */
extern jwt_status jwt_claim_path_parse(const char *text, size_t len, jwt_claim_path *path);
extern void jwt_claim_path_free(jwt_claim_path *path);

#endif
