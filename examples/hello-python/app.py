"""Answers with a greeting for event["name"], e.g. {"name": "Ada"} -> "Hello, Ada!"."""
import os
import platform


def handler(event, context):
    name = event.get("name") if isinstance(event, dict) else None
    name = name if isinstance(name, str) and name else "world"
    greeting = os.environ.get("GREETING", "Hello")
    print(f"Greeting {name}")
    return {"message": f"{greeting}, {name}!", "runtime": f"Python {platform.python_version()}"}
