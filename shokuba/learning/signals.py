"""The learning app's signals.

`case_commented` is sent once per new comment, after the comment's transaction commits, with `sender=Case`,
`case`, `comment` and `recipients` (the accounts to tell: the case's author and its member's coordinators, never
the commenter). Notifying is a receiver of this signal (connected where the notifications mechanism lives).
"""

from django.dispatch import Signal

case_commented = Signal()
