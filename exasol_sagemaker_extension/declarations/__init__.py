"""Facts that both the Lua scripts and the Python UDFs need, declared once here (developer guide, "Declarations").

The deployment renders them into the Lua module ``sme_declarations`` (see ``lua_module``), so the Lua code reads
these lists instead of spelling them out a second time.
"""
