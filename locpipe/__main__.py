from .cli import entry_point

if __name__ == "__main__":  # not when a worker process imports it
    entry_point()
