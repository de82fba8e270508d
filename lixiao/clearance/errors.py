class ClearanceError(Exception):
    """A refused clearance action, with a stable code for machines and a translated message for people.

    details: optional structured data, e.g. {field: [messages]} for a refused online form."""

    def __init__(self, *, code, message, details=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}

    def __str__(self):
        return str(self.message)
