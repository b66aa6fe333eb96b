"""The bodies every router shares: the request base (unknown fields are refused by name rather than silently
ignored) and the one error shape. Each app's own bodies live in its `api.py`."""

from __future__ import annotations

from ninja import Field, Schema
from pydantic import ConfigDict


class RequestBody(Schema):
    model_config = ConfigDict(extra="forbid")


class ErrorItem(Schema):
    loc: list[str | int] = Field(..., description="どこの誤りか（body / query / path / header と項目名）")
    msg: str = Field(..., description="利用者に示すメッセージ")
    type: str = Field(..., description="誤りの種類（機械向け）")


class ErrorOut(Schema):
    message: str = Field(..., description="要約（日本語）")
    detail: list[ErrorItem]
