from quizkit.cli.main import main

main()
