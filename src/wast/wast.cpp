// placeholder until the wast stage lands
