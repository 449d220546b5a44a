"""Checks Talas's Telegram and WhatsApp wire formats with independent parsers from PyPI:
`aiogram` (3.x) for the Bot API and `pywa` (4.x) for the WhatsApp Cloud API.

- The webhook fixtures the Rust tests send (fixtures/telegram-*.json, whatsapp-*.json)
  parse as the updates they stand for: aiogram `Update` with the expected event type,
  pywa's own dispatch (message, button press, delivery receipt) with the expected ids.
- The fixture's WhatsApp signature is accepted by pywa's validator (and a wrong one is not).
- The calls we send (fixtures/outbound-*.json, rendered by a Rust unit test that fails when
  they go stale; and, when a file is given, the bodies the Rust integration tests' fake
  APIs received) validate as aiogram `SendMessage`/`AnswerCallbackQuery` with no unknown
  fields, and equal what pywa itself sends for the same text and buttons, within
  WhatsApp's limits (4,096/1,024 characters, 3 buttons, 20-character titles, 256-character
  ids) and Telegram's (4,096 UTF-16 units, 64-byte callback data).

usage: check.py [SENT.jsonl]
"""
import json
import logging
import pathlib
import sys

import httpx
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import InlineKeyboardMarkup, Update
from pywa import WhatsApp, types
from pywa.server import RawUpdate

logging.getLogger("pywa").setLevel(logging.CRITICAL)  # its refusal of a bad signature is expected
FIXTURES = pathlib.Path(__file__).parent / "fixtures"
PHONE_ID = "106540352242922"
passed = 0
failures = []


def check(name, condition, detail=""):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


def load(name):
    return json.loads((FIXTURES / name).read_text())


def extras(model, path="body"):
    """Fields aiogram did not know (a misspelt or invented field), anywhere in the model."""
    found = [f"{path}.{k}" for k in (model.model_extra or {})]
    for name in type(model).model_fields:
        value = getattr(model, name)
        values = value if isinstance(value, list) else [value]
        for i, v in enumerate(values):
            rows = v if isinstance(v, list) else [v]
            for j, item in enumerate(rows):
                if hasattr(item, "model_extra"):
                    found += extras(item, f"{path}.{name}[{i}][{j}]")
    return found


# Telegram: incoming updates.
for name, event in [
    ("text", "message"),
    ("start", "message"),
    ("callback", "callback_query"),
    ("group", "message"),
    ("sticker", "message"),
    ("location", "message"),
    ("unknown", "message_reaction"),
    ("edited", "edited_message"),
]:
    try:
        update = Update.model_validate(load(f"telegram-{name}.json"))
        check(f"telegram-{name} is a {event} update", update.event_type == event, update.event_type)
        check(f"telegram-{name} has no unknown fields", not extras(update, "update"), extras(update, "update"))
    except Exception as e:  # noqa: BLE001 - any failure to parse is the finding
        check(f"telegram-{name} parses", False, repr(e))
callback = Update.model_validate(load("telegram-callback.json")).callback_query
check("callback data", callback.data == "menu:status", callback.data)
check("sticker is a sticker", Update.model_validate(load("telegram-sticker.json")).message.sticker is not None)
check("group is not private", Update.model_validate(load("telegram-group.json")).message.chat.type == "supergroup")


def telegram_call(name, payload):
    method, body = payload.get("method"), payload.get("body", {})
    if method == "answerCallbackQuery":
        try:
            AnswerCallbackQuery.model_validate(body)
            check(f"{name} answerCallbackQuery", True)
        except Exception as e:  # noqa: BLE001
            check(f"{name} answerCallbackQuery", False, repr(e))
        return
    check(f"{name} method", method == "sendMessage", method)
    try:
        message = SendMessage.model_validate(body)
    except Exception as e:  # noqa: BLE001
        check(f"{name} validates as SendMessage", False, repr(e))
        return
    check(f"{name} validates as SendMessage", True)
    check(f"{name} has no unknown fields", not extras(message), extras(message))
    units = len(message.text.encode("utf-16-le")) // 2
    check(f"{name} text length", 1 <= units <= 4096, units)
    markup = message.reply_markup
    if markup is not None or "reply_markup" in body:
        check(f"{name} inline keyboard", isinstance(markup, InlineKeyboardMarkup), type(markup).__name__)
        rows = markup.inline_keyboard if isinstance(markup, InlineKeyboardMarkup) else []
        for row in rows:
            for button in row:
                kinds = [k for k in ("callback_data", "url") if getattr(button, k)]
                check(f"{name} button '{button.text}' has one action", len(kinds) == 1, kinds)
                if button.callback_data:
                    size = len(button.callback_data.encode())
                    check(f"{name} callback_data ≤ 64 bytes", 1 <= size <= 64, size)
                if button.url:
                    check(f"{name} url is http(s)", button.url.startswith(("https://", "http://")), button.url)


for i, row in enumerate(load("outbound-telegram.json")):
    check(f"outbound-telegram[{i}] kind", row["kind"] == "telegram", row["kind"])
    telegram_call(f"outbound-telegram[{i}]", row["payload"])
# The validator itself refuses what it should.
try:
    SendMessage.model_validate({"text": "tanpa chat_id"})
    check("aiogram refuses a sendMessage without chat_id", False)
except Exception:  # noqa: BLE001
    check("aiogram refuses a sendMessage without chat_id", True)

# WhatsApp: pywa as the client, its HTTP calls caught instead of sent.
sent = []


def graph(request):
    sent.append(json.loads(request.content))
    return httpx.Response(200, json={"messaging_product": "whatsapp", "contacts": [{"input": "x", "wa_id": "x"}], "messages": [{"id": "wamid.X"}]})


signed = load("whatsapp-signed.json")
wa = WhatsApp(
    phone_id=PHONE_ID,
    token="token-uji",
    server=None,
    session=httpx.Client(transport=httpx.MockTransport(graph)),
    app_secret=signed["app_secret"],
    verify_token="verifikasi-uji",
)


def dispatch(raw):
    """pywa's own choice of update class for a notification, and the parsed update."""
    update = RawUpdate(raw, hmac_header=None, update_hash=str(hash(raw)))
    handler = wa._get_handler_type(update)
    return handler.__name__, wa._handlers_to_updates[handler].from_update(client=wa, update=update)


for name, handler, expect in [
    ("text", "MessageHandler", {"text": "syarat bikin ktp", "bsuid": "ID.1234567890123456789", "wa_id": "6281234567890"}),
    ("button-reply", "CallbackButtonHandler", {"data": "menu:status", "bsuid": "ID.1234567890123456789"}),
    ("status", "MessageStatusHandler", {"bsuid": "ID.1234567890123456789"}),
    ("bsuid-only", "MessageHandler", {"text": "halo", "bsuid": "ID.9876543210987654321", "wa_id": None}),
    ("sticker", "MessageHandler", {"type": "sticker"}),
]:
    try:
        got_handler, update = dispatch((FIXTURES / f"whatsapp-{name}.json").read_bytes())
    except Exception as e:  # noqa: BLE001
        check(f"whatsapp-{name} parses", False, repr(e))
        continue
    check(f"whatsapp-{name} is dispatched to {handler}", got_handler == handler, got_handler)
    user = update.from_user
    actual = {"text": getattr(update, "text", None), "data": getattr(update, "data", None), "bsuid": user.bsuid, "wa_id": user.wa_id, "type": str(getattr(update, "type", None) or "")}
    for key, value in expect.items():
        check(f"whatsapp-{name} {key}", actual[key] == value, f"{actual[key]!r} != {value!r}")

body = (FIXTURES / signed["body_file"]).read_bytes()
check("pywa accepts the fixture's signature", wa.webhook_update_validator(body, signed["signature"]) is None)
check("pywa refuses a changed body", wa.webhook_update_validator(body + b" ", signed["signature"]) is not None)


def whatsapp_call(name, payload):
    body = payload.get("body", {})
    check(f"{name} method", payload.get("method") == "messages", payload.get("method"))
    to = body.get("to") or body.get("recipient")
    kind = body.get("type")
    sent.clear()
    try:
        if kind == "text":
            text = body["text"]["body"]
            check(f"{name} text length", 1 <= len(text) <= 4096, len(text))
            wa.send_message(to=to, text=text, preview_url=body["text"]["preview_url"])
        elif kind == "interactive":
            interactive = body["interactive"]
            check(f"{name} interactive is buttons", interactive["type"] == "button", interactive["type"])
            text = interactive["body"]["text"]
            check(f"{name} body length", 1 <= len(text) <= 1024, len(text))
            buttons = interactive["action"]["buttons"]
            check(f"{name} 1–3 buttons", 1 <= len(buttons) <= 3, len(buttons))
            titles = [b["reply"]["title"] for b in buttons]
            check(f"{name} titles ≤ 20", all(1 <= len(t) <= 20 for t in titles), titles)
            check(f"{name} titles differ", len(set(titles)) == len(titles), titles)
            check(f"{name} ids ≤ 256", all(1 <= len(b["reply"]["id"]) <= 256 for b in buttons))
            wa.send_message(to=to, text=text, buttons=[types.Button(title=b["reply"]["title"], callback_data=b["reply"]["id"]) for b in buttons])
        else:
            check(f"{name} type", False, kind)
            return
    except Exception as e:  # noqa: BLE001
        check(f"{name} re-sent by pywa", False, repr(e))
        return
    check(f"{name} equals pywa's own call", sent == [body], f"ours {body} / pywa {sent}")


for i, row in enumerate(load("outbound-whatsapp.json")):
    check(f"outbound-whatsapp[{i}] kind", row["kind"] == "whatsapp", row["kind"])
    whatsapp_call(f"outbound-whatsapp[{i}]", row["payload"])

# Bodies the Rust integration tests' fake APIs received, when given.
if len(sys.argv) > 1 and pathlib.Path(sys.argv[1]).exists():
    lines = [json.loads(line) for line in pathlib.Path(sys.argv[1]).read_text().splitlines() if line.strip()]
    check("recorded calls present", len(lines) > 0, sys.argv[1])
    for i, call in enumerate(lines):
        if call["channel"] == "telegram":
            telegram_call(f"sent-telegram[{i}] {call['method']}", {"method": call["method"], "body": call["body"]})
        else:
            whatsapp_call(f"sent-whatsapp[{i}]", {"method": "messages", "body": call["body"]})

print(f"channels: {passed} passed, {len(failures)} failed")
for failure in failures:
    print("  FAILED", failure)
sys.exit(1 if failures else 0)
