"""The seeded voice catalog: Retell's real voice ids across providers (retell-api.md §9)."""

from __future__ import annotations

__all__ = ["VOICES"]

_PREVIEW = "https://retell-utils-public.s3.us-west-2.amazonaws.com/{}.mp3"

# (voice_id, voice_name, provider, gender, accent, age)
_ROWS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("11labs-Adrian", "Adrian", "elevenlabs", "male", "American", "Young"),
    ("11labs-Anthony", "Anthony", "elevenlabs", "male", "British", "Middle Aged"),
    ("11labs-Amy", "Amy", "elevenlabs", "female", "British", "Young"),
    ("11labs-Brian", "Brian", "elevenlabs", "male", "American", "Middle Aged"),
    ("11labs-Chloe", "Chloe", "elevenlabs", "female", "Australian", "Young"),
    ("11labs-Dorothy", "Dorothy", "elevenlabs", "female", "British", "Old"),
    ("11labs-Evie", "Evie", "elevenlabs", "female", "American", "Young"),
    ("11labs-Grace", "Grace", "elevenlabs", "female", "American", "Middle Aged"),
    ("11labs-Jason", "Jason", "elevenlabs", "male", "American", "Young"),
    ("11labs-Jenny", "Jenny", "elevenlabs", "female", "American", "Young"),
    ("11labs-Kate", "Kate", "elevenlabs", "female", "American", "Middle Aged"),
    ("11labs-Marissa", "Marissa", "elevenlabs", "female", "American", "Young"),
    ("11labs-Max", "Max", "elevenlabs", "male", "American", "Middle Aged"),
    ("11labs-Myra", "Myra", "elevenlabs", "female", "American", "Young"),
    ("11labs-Paola", "Paola", "elevenlabs", "female", "Italian", "Middle Aged"),
    ("11labs-Ryan", "Ryan", "elevenlabs", "male", "Irish", "Young"),
    ("11labs-Susan", "Susan", "elevenlabs", "female", "American", "Old"),
    ("11labs-Amritanshu", "Amritanshu", "elevenlabs", "male", "Indian", "Middle Aged"),
    ("openai-Alloy", "Alloy", "openai", "female", "American", "Middle Aged"),
    ("openai-Echo", "Echo", "openai", "male", "American", "Middle Aged"),
    ("openai-Fable", "Fable", "openai", "male", "British", "Young"),
    ("openai-Nova", "Nova", "openai", "female", "American", "Young"),
    ("openai-Onyx", "Onyx", "openai", "male", "American", "Middle Aged"),
    ("openai-Shimmer", "Shimmer", "openai", "female", "American", "Young"),
    ("cartesia-Cimo", "Cimo", "cartesia", "male", "American", "Young"),
    ("cartesia-Cleo", "Cleo", "cartesia", "female", "American", "Young"),
    ("cartesia-Brooke", "Brooke", "cartesia", "female", "American", "Middle Aged"),
    ("cartesia-Kian", "Kian", "cartesia", "male", "Australian", "Young"),
    ("retell-Cimo", "Cimo", "platform", "male", "American", "Young"),
    ("retell-Marissa", "Marissa", "platform", "female", "American", "Young"),
    ("minimax-Cimo", "Cimo", "minimax", "male", "American", "Young"),
    ("minimax-Lily", "Lily", "minimax", "female", "Chinese", "Young"),
)

VOICES: dict[str, dict[str, str]] = {
    vid: {
        "voice_id": vid,
        "voice_name": name,
        "provider": provider,
        "gender": gender,
        "accent": accent,
        "age": age,
        "preview_audio_url": _PREVIEW.format(f"{provider}-{name}".lower()),
    }
    for vid, name, provider, gender, accent, age in _ROWS
}
