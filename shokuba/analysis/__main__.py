import sys

from shokuba.analysis.cli import main

sys.exit(main())
