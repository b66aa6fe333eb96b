"""The bodies every router shares: the request base (unknown fields are refused by name rather than silently
ignored), the one error shape, and the types that state the server's rules in the schema (texts, codes, choices).
Each app's own bodies live in its `api.py`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, GetJsonSchemaHandler, ValidationInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError

from shokuba.api.errors import field_label
from shokuba.core.codes import (
    CORPORATE_NUMBER_PATTERN,
    LOCAL_GOVERNMENT_CODE_PATTERN,
    CheckDigitError,
    CodeError,
    normalise_corporate_number,
    normalise_local_government_code,
)
from shokuba.core.text import (
    MULTI_LINE_PATTERN,
    NAME_PATTERN,
    REQUIRED_MULTI_LINE_PATTERN,
    SINGLE_LINE_PATTERN,
    forbidden_character,
)
from shokuba.core.validation import CONTROL_CHARACTER, text_error

# --- the server's rules, stated in the schema ----------------------------------------------------------------


class SchemaStates:
    """Annotated metadata: adds keywords (`pattern`, `enum`) to a value's JSON schema, keeping its others, for a
    rule the server checks itself (with a Japanese message) rather than through pydantic."""

    def __init__(self, **keywords: Any) -> None:
        self.keywords = keywords

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        result = handler(schema)
        result.update(self.keywords)
        return result


def SchemaPattern(pattern: str) -> SchemaStates:
    return SchemaStates(pattern=pattern)


def one_of(values: Sequence[Any], message: Callable[[Any], str], kind: type = str) -> Any:
    """A string (or an int: a query parameter arrives as text) that must be one of `values`, stated as an enum,
    refused with `message(value)` otherwise."""
    allowed = frozenset(values)

    def check(value: Any) -> Any:
        if value not in allowed:
            raise PydanticCustomError("enum", "{message}", {"message": message(value)})
        return value

    return Annotated[kind, AfterValidator(check), SchemaStates(enum=list(values))]


def _text_rule(*, multiline: bool, required: bool) -> AfterValidator:
    def check(value: str, info: ValidationInfo) -> str:
        message = text_error(field_label(info.field_name or ""), value, multiline=multiline, required=required)
        if message:
            kind = "blank" if forbidden_character(value, multiline=multiline) is None else CONTROL_CHARACTER
            raise PydanticCustomError(kind, "{message}", {"message": message})
        return value

    return AfterValidator(check)


def _code_rule(normalise: Any) -> AfterValidator:
    def check(value: str, info: ValidationInfo) -> str:
        if not value:
            return value
        try:
            normalise(value)
        except CheckDigitError:
            pass  # the form is the schema's rule; a check digit is the server's (see GovernmentCode)
        except CodeError as exc:
            raise PydanticCustomError("code_invalid", "{message}", {"message": str(exc)}) from exc
        return value

    return AfterValidator(check)


# A name: one line, at least one visible character. Line: one line, may be empty. Text: multi-line.
Name = Annotated[str, _text_rule(multiline=False, required=True), SchemaPattern(NAME_PATTERN)]
Line = Annotated[str, _text_rule(multiline=False, required=False), SchemaPattern(SINGLE_LINE_PATTERN)]
Text = Annotated[str, _text_rule(multiline=True, required=False), SchemaPattern(MULTI_LINE_PATTERN)]
# A multi-line text with at least one visible character (a job ad's body).
RequiredText = Annotated[str, _text_rule(multiline=True, required=True), SchemaPattern(REQUIRED_MULTI_LINE_PATTERN)]
# A local government code as people type it (5 or 6 digits, full-width, spaces and hyphens); the check digit is
# checked by the server (a wrong one is a 404 for a path, a 422 for a field).
GovernmentCode = Annotated[
    str,
    _code_rule(normalise_local_government_code),
    SchemaPattern(LOCAL_GOVERNMENT_CODE_PATTERN),
]
OptionalGovernmentCode = Annotated[
    str,
    _code_rule(normalise_local_government_code),
    SchemaPattern(f"^(?:{LOCAL_GOVERNMENT_CODE_PATTERN.strip('^$')})?$"),
]
CORPORATE_NUMBER_OR_EMPTY = f"^(?:{CORPORATE_NUMBER_PATTERN.strip('^$')})?$"
CorporateNumber = Annotated[str, _code_rule(normalise_corporate_number), SchemaPattern(CORPORATE_NUMBER_OR_EMPTY)]


def no_default(schema: dict[str, Any]) -> None:
    """An optional field that is not nullable: its JSON schema shows no `default: null`."""
    schema.pop("default", None)


class RequestBody(Schema):
    model_config = ConfigDict(extra="forbid")


class ErrorItem(Schema):
    loc: list[str | int] = Field(..., description="どこの誤りか（body / query / path / header と項目名）")
    msg: str = Field(..., description="利用者に示すメッセージ")
    type: str = Field(..., description="誤りの種類（機械向け）")


class ErrorOut(Schema):
    message: str = Field(..., description="要約（日本語）")
    detail: list[ErrorItem]
