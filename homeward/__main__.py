import sys

from homeward.cli import main

sys.exit(main())
