"""duediligence: due diligence on biometric and facial-recognition vendors.

The version lives here, and only here: packaging, ``--version`` and the
About box all read it.
"""

__version__ = "0.1.0"
