"""Lua 5.4 sources of the orchestration scripts (modules/ and entry/), shipped as package data."""
