"""acuback: acupuncture care for back pain.

The functional core (`knowledge`, `clinical`, `evidence`) is pure and imports no I/O library
beyond reading its own packaged data; the shell (`cli`, and later `records`, `web`, `interop`)
depends on the core, never the reverse.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
