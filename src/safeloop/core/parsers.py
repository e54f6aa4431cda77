"""The API's request parsers (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]); a module of its own
because DRF imports it while its views are loading."""

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, except that a document nested too deep for the decoder (100,000
    levels of brackets) is a 400 parse error, not a RecursionError and a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON nested too deeply") from None
