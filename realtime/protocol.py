"""What a screen may send on the live socket: one msgspec Struct per message, a union tagged by
``"type"`` (the protocol is described at the top of ``realtime/live.py``).

msgspec checks the shapes and limits while decoding; what it refuses is answered with the
message type's own sentence in the screen's language (``REFUSALS``), never msgspec's English.
Topics are objects keyed by their kind (``{"timeline": …}``), which a tagged union cannot read:
``realtime.events.Topic.parse`` reads them, with its own messages.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from server.core.i18n import Message, _

Ref = Annotated[str, Meta(min_length=1, max_length=64)]


class Subscribe(Struct, tag="subscribe", tag_field="type"):
    id: Ref
    topic: Any = None


class Unsubscribe(Struct, tag="unsubscribe", tag_field="type"):
    id: Any = None  # an unknown subscription is not an error: the answer says it is gone


class Resume(Struct, tag="resume", tag_field="type"):
    since: Annotated[int, Meta(ge=0)]


class Presence(Struct, tag="presence", tag_field="type"):
    # "timeline", {"timeline": {"start", "end"}}, {"entity", "id"}, or null to leave: read by
    # realtime.live._presence, which names what is wrong
    where: Any = None
    state: Literal["viewing", "editing"] = "viewing"


class Pong(Struct, tag="pong", tag_field="type"):
    pass


ClientMessage = Subscribe | Unsubscribe | Resume | Presence | Pong
_decoder = msgspec.json.Decoder(ClientMessage)
_any = msgspec.json.Decoder()

# What each type of message is told when its fields are wrong.
REFUSALS: dict[str, Message] = {
    "subscribe": _("A subscription needs an 'id' (text, up to 64 characters)."),
    "resume": _("Resume needs 'since', the last sequence number seen."),
    "presence": _("Presence state is viewing or editing."),
}


class Refused(Exception):
    """A frame that is not a message of the protocol; ``reason`` says why, to the screen."""

    def __init__(self, reason: Message, ref: Any = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.ref = ref


def read(raw: str | bytes) -> ClientMessage:
    """The message in a text frame, or ``Refused`` with the sentence for the screen."""
    try:
        return _decoder.decode(raw)
    except msgspec.DecodeError as error:
        if not isinstance(error, msgspec.ValidationError):
            raise Refused(_("Malformed JSON.")) from None
    message = _any.decode(raw)  # valid JSON, but not a message: say which part is wrong
    if not isinstance(message, dict) or "type" not in message:
        raise Refused(_("Send JSON objects with a 'type'."))
    kind, ref = message["type"], message.get("id")
    refusal = REFUSALS.get(kind) if isinstance(kind, str) else None
    if refusal is None:
        raise Refused(_("Unknown message type {name}.", name=repr(kind)))
    raise Refused(refusal, ref if kind != "subscribe" else None)
