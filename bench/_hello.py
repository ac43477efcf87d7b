"""The limit for bench/http.py: a FastAPI hello-world, served by uvicorn with the same settings as the service."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
def hello() -> dict[str, bool]:
    """The least a JSON endpoint can do."""
    return {"ok": True}
