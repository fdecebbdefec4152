from exasol_sagemaker_extension.installation.lua_requires import required_modules


def test_both_call_forms_in_order_of_first_appearance():
    source = 'local a = require("sme_a")\nlocal b = require "sme_b"\nlocal c = require\'sme_c\'\nrequire("sme_a")\n'
    assert required_modules(source) == ["sme_a", "sme_b", "sme_c"]


def test_long_bracket_argument_and_spacing():
    assert required_modules('local x = require [[sme_x]]\nlocal y = require ( "sme_y" )') == ["sme_x", "sme_y"]


def test_requires_in_comments_are_ignored():
    source = (
        '-- local a = require("sme_line_comment")\n'
        '--[[ local b = require("sme_block_comment") ]]\n'
        '--[==[ ]] still a comment: require("sme_level_two") ]==]\n'
        'local c = require("sme_real")\n'
    )
    assert required_modules(source) == ["sme_real"]


def test_requires_in_strings_are_ignored():
    source = (
        'local s = "require(\\"sme_in_string\\")"\n'
        "local t = 'it''s require(\"sme_in_single\")'\n"
        'local u = [[\nrequire("sme_in_long_string")\n]]\n'
        'local v = require("sme_real") -- "unterminated in comment\n'
    )
    assert required_modules(source) == ["sme_real"]


def test_fields_methods_and_dynamic_calls_are_not_module_loads():
    source = 'obj.require("not_a")\nobj:require("not_b")\nlocal m = require(name)\nlocal require_x = 1\n'
    assert required_modules(source) == []


def test_comment_marker_inside_string_does_not_hide_code():
    assert required_modules('local s = "--" local m = require("sme_after")') == ["sme_after"]


def test_require_after_concatenation_is_a_call():
    assert required_modules('local s = "x" .. require("sme_a").name ..require "sme_b"') == ["sme_a", "sme_b"]
