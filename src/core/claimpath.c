/*
 * claimpath.c — claim paths: .a."b c"[0]
 */
#include "claimpath.h"
#include "mem.h"

#include <string.h>

static bool
bare_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '$' || c == '-';
}

jwt_status
jwt_claim_path_parse(const char *text, size_t len, jwt_claim_path *path)
{
	size_t		i = 0;
	bool		ok = true;
	char	   *out;

	memset(path, 0, sizeof(*path));
	if (len == 0 || memchr(text, '\0', len) != NULL)
		return JWT_CLAIM_PATH;
	/* each name is copied out with its NUL: never longer than the text plus one */
	if ((out = path->text = jwt_malloc(len + 1)) == NULL)
		return JWT_NOMEM;
	while (i < len)
	{
		jwt_claim_step *step;

		if (path->nsteps == JWT_CLAIM_PATH_MAX_STEPS)
		{
			ok = false;
			break;
		}
		step = &path->steps[path->nsteps];
		if (text[i] == '.' && i + 1 < len && text[i + 1] == '"')
		{
			const char *end = memchr(text + i + 2, '"', len - i - 2);

			if (end == NULL)
			{
				ok = false;
				break;
			}
			step->name = out;
			memcpy(out, text + i + 2, (size_t) (end - text - i - 2));
			out += end - text - i - 2;
			*out++ = '\0';
			i = (size_t) (end - text) + 1;
		}
		else if (text[i] == '.')
		{
			size_t		start = ++i;

			while (i < len && bare_name_char(text[i]))
				i++;
			if (i == start)
			{
				ok = false;
				break;
			}
			step->name = out;
			memcpy(out, text + start, i - start);
			out += i - start;
			*out++ = '\0';
		}
		else if (text[i] == '[')
		{
			uint32_t	index = 0;
			size_t		start = ++i;

			while (i < len && text[i] >= '0' && text[i] <= '9' && index <= JWT_CLAIM_PATH_MAX_INDEX)
				index = index * 10 + (uint32_t) (text[i++] - '0');
			if (i == start || i >= len || text[i] != ']' || index > JWT_CLAIM_PATH_MAX_INDEX)
			{
				ok = false;
				break;
			}
			i++;
			step->name = NULL;
			step->index = index;
		}
		else
		{
			ok = false;
			break;
		}
		path->nsteps++;
	}
	if (!ok)
	{
		jwt_claim_path_free(path);
		return JWT_CLAIM_PATH;
	}
	return JWT_OK;
}

void
jwt_claim_path_free(jwt_claim_path *path)
{
	jwt_free(path->text);
	memset(path, 0, sizeof(*path));
}
