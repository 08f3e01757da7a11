"""Scanner web app (keyboard wedge and camera, offline)."""
