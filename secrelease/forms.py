"""Form helpers shared by every app."""

from django.core.exceptions import NON_FIELD_ERRORS


def apply_service_errors(form, error):
    """Put a service's ValidationError next to the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
