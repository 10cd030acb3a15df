"""The revenue dashboard (Streamlit): `make dashboard`, pages in `views/`, data in `data.py`."""
