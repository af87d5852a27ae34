from tests.addin.corpus import main

main()
