"""The public, read-only HSDS 3.1 API of the directory (``/api/hsds/``), Trama IT profile.

- ``urls.py`` / ``views.py``: thin JSON views (plain Django; the OpenAPI document is the hand-maintained HSDS one in
  ``trama.directory.hsds``, so a generated one would only shadow it);
- ``params.py``: query-parameter parsing (every bad value is a 400 naming the parameter);
- ``queries.py``: what is public and the HSDS filters;
- ``serializers.py``: the HSDS dicts, built from prefetched querysets (bounded queries per page);
- ``ids.py``: identifiers of the records that have no ``hsds_id`` of their own.
"""
