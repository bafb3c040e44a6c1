// served by PlaygroundServerTest
