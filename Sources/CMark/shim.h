// libcmark (Debian libcmark-dev): CommonMark to HTML, used in its default safe mode.
#include <cmark.h>
