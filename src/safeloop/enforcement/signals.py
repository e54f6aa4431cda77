"""Signals other apps listen to (the credit app records credit events from them).

`decided` is sent inside the deciding transaction, so what a receiver writes commits or rolls
back with the decision. Arguments: `sender` the model class (PenaltyCase or Sanction),
`decision` a `safeloop.enforcement.selectors.Decision`."""

from django.dispatch import Signal

decided = Signal()
