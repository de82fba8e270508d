class ClearanceError(Exception):
    """A refused clearance action, with a stable code for machines and a translated message for people."""

    def __init__(self, *, code, message):
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self):
        return str(self.message)
