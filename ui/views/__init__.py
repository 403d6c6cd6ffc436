"""The window's views: each renders state and sends user actions to the controller."""

from ui.tk_gc import install as _install_thread_safe_images

_install_thread_safe_images()
