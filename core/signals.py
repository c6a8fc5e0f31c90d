"""The signal the apps send when they change content without a model signal.

``QuerySet.update()`` and ``bulk_create()`` send no ``post_save``: code that changes
content with them sends ``content_changed`` (``sender`` the model class) afterwards, so
that what depends on the content (the page cache, ``pagecache.middleware``) learns of it.
"""

from django.dispatch import Signal

content_changed = Signal()
