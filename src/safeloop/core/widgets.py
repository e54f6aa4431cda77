"""Form widgets every app's forms and filters share."""

from django import forms

# The browser's own date picker; the value is always ISO, whatever the interface language.
# A widget instance can be shared: every form field deep-copies the one it is given.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The browser's own date-and-time picker, ISO like DATE.
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
