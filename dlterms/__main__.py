"""``python -m dlterms`` is the ``dlterms`` command."""

import sys

from dlterms.cli import main

sys.exit(main())
