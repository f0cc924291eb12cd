"""Interop (SHELL): what acuback hands to the world outside it, beginning with printed
documents (`acuback.interop.documents`). It sits beside `records`: services call it, and it
reads only the core (knowledge, clinical, evidence), never the database or the web layer."""
