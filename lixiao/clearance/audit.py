"""Who an audit event names as the actor."""


def label_for(actor, label=""):
    if label:
        return label
    if actor is None:
        return "system"
    return actor.get_username()
