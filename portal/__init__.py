"""Partner Club portal: the Starlette app that serves the built site, accounts, the forum and newsletters.

Importing the package registers the `id` URL convertor every route with a numeric id uses
(`/forum/t/{topic_id:id}/`): ASCII digits only, at most 18 of them, so a path with an id beyond
SQLite's 64-bit integers (or "²", which str.isdigit() accepts) matches no route and answers 404
instead of overflowing in a query (a 500).
"""

from starlette.convertors import IntegerConvertor, register_url_convertor


class IdConvertor(IntegerConvertor):
    regex = "[0-9]{1,18}"


register_url_convertor("id", IdConvertor())
