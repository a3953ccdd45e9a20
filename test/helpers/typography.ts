/** What official Chinese (GB/T 15834) does not have: a space between Chinese and a digit, or ASCII punctuation touching Chinese. */
export const STRAY = /[\u4e00-\u9fff] \d|\d [\u4e00-\u9fff]|[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]/;
