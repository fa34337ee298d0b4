// replaced by the modelio sources
