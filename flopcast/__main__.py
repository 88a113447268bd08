import sys

from flopcast.cli import main

sys.exit(main())
