from claimnotes.cli import main

raise SystemExit(main())
