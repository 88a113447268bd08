"""Deep nesting: a 900-term sum, a 400-branch elif chain, 150 nested calls, 90 nested brackets."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator


def g(v):
    return v


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        n = mlp.depth + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1
        h = fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)
        if n == 0:
            h = h + 0.0
        elif n == 1:
            h = h + 1.0
        elif n == 2:
            h = h + 2.0
        elif n == 3:
            h = h + 3.0
        elif n == 4:
            h = h + 4.0
        elif n == 5:
            h = h + 5.0
        elif n == 6:
            h = h + 6.0
        elif n == 7:
            h = h + 7.0
        elif n == 8:
            h = h + 8.0
        elif n == 9:
            h = h + 9.0
        elif n == 10:
            h = h + 10.0
        elif n == 11:
            h = h + 11.0
        elif n == 12:
            h = h + 12.0
        elif n == 13:
            h = h + 13.0
        elif n == 14:
            h = h + 14.0
        elif n == 15:
            h = h + 15.0
        elif n == 16:
            h = h + 16.0
        elif n == 17:
            h = h + 17.0
        elif n == 18:
            h = h + 18.0
        elif n == 19:
            h = h + 19.0
        elif n == 20:
            h = h + 20.0
        elif n == 21:
            h = h + 21.0
        elif n == 22:
            h = h + 22.0
        elif n == 23:
            h = h + 23.0
        elif n == 24:
            h = h + 24.0
        elif n == 25:
            h = h + 25.0
        elif n == 26:
            h = h + 26.0
        elif n == 27:
            h = h + 27.0
        elif n == 28:
            h = h + 28.0
        elif n == 29:
            h = h + 29.0
        elif n == 30:
            h = h + 30.0
        elif n == 31:
            h = h + 31.0
        elif n == 32:
            h = h + 32.0
        elif n == 33:
            h = h + 33.0
        elif n == 34:
            h = h + 34.0
        elif n == 35:
            h = h + 35.0
        elif n == 36:
            h = h + 36.0
        elif n == 37:
            h = h + 37.0
        elif n == 38:
            h = h + 38.0
        elif n == 39:
            h = h + 39.0
        elif n == 40:
            h = h + 40.0
        elif n == 41:
            h = h + 41.0
        elif n == 42:
            h = h + 42.0
        elif n == 43:
            h = h + 43.0
        elif n == 44:
            h = h + 44.0
        elif n == 45:
            h = h + 45.0
        elif n == 46:
            h = h + 46.0
        elif n == 47:
            h = h + 47.0
        elif n == 48:
            h = h + 48.0
        elif n == 49:
            h = h + 49.0
        elif n == 50:
            h = h + 50.0
        elif n == 51:
            h = h + 51.0
        elif n == 52:
            h = h + 52.0
        elif n == 53:
            h = h + 53.0
        elif n == 54:
            h = h + 54.0
        elif n == 55:
            h = h + 55.0
        elif n == 56:
            h = h + 56.0
        elif n == 57:
            h = h + 57.0
        elif n == 58:
            h = h + 58.0
        elif n == 59:
            h = h + 59.0
        elif n == 60:
            h = h + 60.0
        elif n == 61:
            h = h + 61.0
        elif n == 62:
            h = h + 62.0
        elif n == 63:
            h = h + 63.0
        elif n == 64:
            h = h + 64.0
        elif n == 65:
            h = h + 65.0
        elif n == 66:
            h = h + 66.0
        elif n == 67:
            h = h + 67.0
        elif n == 68:
            h = h + 68.0
        elif n == 69:
            h = h + 69.0
        elif n == 70:
            h = h + 70.0
        elif n == 71:
            h = h + 71.0
        elif n == 72:
            h = h + 72.0
        elif n == 73:
            h = h + 73.0
        elif n == 74:
            h = h + 74.0
        elif n == 75:
            h = h + 75.0
        elif n == 76:
            h = h + 76.0
        elif n == 77:
            h = h + 77.0
        elif n == 78:
            h = h + 78.0
        elif n == 79:
            h = h + 79.0
        elif n == 80:
            h = h + 80.0
        elif n == 81:
            h = h + 81.0
        elif n == 82:
            h = h + 82.0
        elif n == 83:
            h = h + 83.0
        elif n == 84:
            h = h + 84.0
        elif n == 85:
            h = h + 85.0
        elif n == 86:
            h = h + 86.0
        elif n == 87:
            h = h + 87.0
        elif n == 88:
            h = h + 88.0
        elif n == 89:
            h = h + 89.0
        elif n == 90:
            h = h + 90.0
        elif n == 91:
            h = h + 91.0
        elif n == 92:
            h = h + 92.0
        elif n == 93:
            h = h + 93.0
        elif n == 94:
            h = h + 94.0
        elif n == 95:
            h = h + 95.0
        elif n == 96:
            h = h + 96.0
        elif n == 97:
            h = h + 97.0
        elif n == 98:
            h = h + 98.0
        elif n == 99:
            h = h + 99.0
        elif n == 100:
            h = h + 100.0
        elif n == 101:
            h = h + 101.0
        elif n == 102:
            h = h + 102.0
        elif n == 103:
            h = h + 103.0
        elif n == 104:
            h = h + 104.0
        elif n == 105:
            h = h + 105.0
        elif n == 106:
            h = h + 106.0
        elif n == 107:
            h = h + 107.0
        elif n == 108:
            h = h + 108.0
        elif n == 109:
            h = h + 109.0
        elif n == 110:
            h = h + 110.0
        elif n == 111:
            h = h + 111.0
        elif n == 112:
            h = h + 112.0
        elif n == 113:
            h = h + 113.0
        elif n == 114:
            h = h + 114.0
        elif n == 115:
            h = h + 115.0
        elif n == 116:
            h = h + 116.0
        elif n == 117:
            h = h + 117.0
        elif n == 118:
            h = h + 118.0
        elif n == 119:
            h = h + 119.0
        elif n == 120:
            h = h + 120.0
        elif n == 121:
            h = h + 121.0
        elif n == 122:
            h = h + 122.0
        elif n == 123:
            h = h + 123.0
        elif n == 124:
            h = h + 124.0
        elif n == 125:
            h = h + 125.0
        elif n == 126:
            h = h + 126.0
        elif n == 127:
            h = h + 127.0
        elif n == 128:
            h = h + 128.0
        elif n == 129:
            h = h + 129.0
        elif n == 130:
            h = h + 130.0
        elif n == 131:
            h = h + 131.0
        elif n == 132:
            h = h + 132.0
        elif n == 133:
            h = h + 133.0
        elif n == 134:
            h = h + 134.0
        elif n == 135:
            h = h + 135.0
        elif n == 136:
            h = h + 136.0
        elif n == 137:
            h = h + 137.0
        elif n == 138:
            h = h + 138.0
        elif n == 139:
            h = h + 139.0
        elif n == 140:
            h = h + 140.0
        elif n == 141:
            h = h + 141.0
        elif n == 142:
            h = h + 142.0
        elif n == 143:
            h = h + 143.0
        elif n == 144:
            h = h + 144.0
        elif n == 145:
            h = h + 145.0
        elif n == 146:
            h = h + 146.0
        elif n == 147:
            h = h + 147.0
        elif n == 148:
            h = h + 148.0
        elif n == 149:
            h = h + 149.0
        elif n == 150:
            h = h + 150.0
        elif n == 151:
            h = h + 151.0
        elif n == 152:
            h = h + 152.0
        elif n == 153:
            h = h + 153.0
        elif n == 154:
            h = h + 154.0
        elif n == 155:
            h = h + 155.0
        elif n == 156:
            h = h + 156.0
        elif n == 157:
            h = h + 157.0
        elif n == 158:
            h = h + 158.0
        elif n == 159:
            h = h + 159.0
        elif n == 160:
            h = h + 160.0
        elif n == 161:
            h = h + 161.0
        elif n == 162:
            h = h + 162.0
        elif n == 163:
            h = h + 163.0
        elif n == 164:
            h = h + 164.0
        elif n == 165:
            h = h + 165.0
        elif n == 166:
            h = h + 166.0
        elif n == 167:
            h = h + 167.0
        elif n == 168:
            h = h + 168.0
        elif n == 169:
            h = h + 169.0
        elif n == 170:
            h = h + 170.0
        elif n == 171:
            h = h + 171.0
        elif n == 172:
            h = h + 172.0
        elif n == 173:
            h = h + 173.0
        elif n == 174:
            h = h + 174.0
        elif n == 175:
            h = h + 175.0
        elif n == 176:
            h = h + 176.0
        elif n == 177:
            h = h + 177.0
        elif n == 178:
            h = h + 178.0
        elif n == 179:
            h = h + 179.0
        elif n == 180:
            h = h + 180.0
        elif n == 181:
            h = h + 181.0
        elif n == 182:
            h = h + 182.0
        elif n == 183:
            h = h + 183.0
        elif n == 184:
            h = h + 184.0
        elif n == 185:
            h = h + 185.0
        elif n == 186:
            h = h + 186.0
        elif n == 187:
            h = h + 187.0
        elif n == 188:
            h = h + 188.0
        elif n == 189:
            h = h + 189.0
        elif n == 190:
            h = h + 190.0
        elif n == 191:
            h = h + 191.0
        elif n == 192:
            h = h + 192.0
        elif n == 193:
            h = h + 193.0
        elif n == 194:
            h = h + 194.0
        elif n == 195:
            h = h + 195.0
        elif n == 196:
            h = h + 196.0
        elif n == 197:
            h = h + 197.0
        elif n == 198:
            h = h + 198.0
        elif n == 199:
            h = h + 199.0
        elif n == 200:
            h = h + 200.0
        elif n == 201:
            h = h + 201.0
        elif n == 202:
            h = h + 202.0
        elif n == 203:
            h = h + 203.0
        elif n == 204:
            h = h + 204.0
        elif n == 205:
            h = h + 205.0
        elif n == 206:
            h = h + 206.0
        elif n == 207:
            h = h + 207.0
        elif n == 208:
            h = h + 208.0
        elif n == 209:
            h = h + 209.0
        elif n == 210:
            h = h + 210.0
        elif n == 211:
            h = h + 211.0
        elif n == 212:
            h = h + 212.0
        elif n == 213:
            h = h + 213.0
        elif n == 214:
            h = h + 214.0
        elif n == 215:
            h = h + 215.0
        elif n == 216:
            h = h + 216.0
        elif n == 217:
            h = h + 217.0
        elif n == 218:
            h = h + 218.0
        elif n == 219:
            h = h + 219.0
        elif n == 220:
            h = h + 220.0
        elif n == 221:
            h = h + 221.0
        elif n == 222:
            h = h + 222.0
        elif n == 223:
            h = h + 223.0
        elif n == 224:
            h = h + 224.0
        elif n == 225:
            h = h + 225.0
        elif n == 226:
            h = h + 226.0
        elif n == 227:
            h = h + 227.0
        elif n == 228:
            h = h + 228.0
        elif n == 229:
            h = h + 229.0
        elif n == 230:
            h = h + 230.0
        elif n == 231:
            h = h + 231.0
        elif n == 232:
            h = h + 232.0
        elif n == 233:
            h = h + 233.0
        elif n == 234:
            h = h + 234.0
        elif n == 235:
            h = h + 235.0
        elif n == 236:
            h = h + 236.0
        elif n == 237:
            h = h + 237.0
        elif n == 238:
            h = h + 238.0
        elif n == 239:
            h = h + 239.0
        elif n == 240:
            h = h + 240.0
        elif n == 241:
            h = h + 241.0
        elif n == 242:
            h = h + 242.0
        elif n == 243:
            h = h + 243.0
        elif n == 244:
            h = h + 244.0
        elif n == 245:
            h = h + 245.0
        elif n == 246:
            h = h + 246.0
        elif n == 247:
            h = h + 247.0
        elif n == 248:
            h = h + 248.0
        elif n == 249:
            h = h + 249.0
        elif n == 250:
            h = h + 250.0
        elif n == 251:
            h = h + 251.0
        elif n == 252:
            h = h + 252.0
        elif n == 253:
            h = h + 253.0
        elif n == 254:
            h = h + 254.0
        elif n == 255:
            h = h + 255.0
        elif n == 256:
            h = h + 256.0
        elif n == 257:
            h = h + 257.0
        elif n == 258:
            h = h + 258.0
        elif n == 259:
            h = h + 259.0
        elif n == 260:
            h = h + 260.0
        elif n == 261:
            h = h + 261.0
        elif n == 262:
            h = h + 262.0
        elif n == 263:
            h = h + 263.0
        elif n == 264:
            h = h + 264.0
        elif n == 265:
            h = h + 265.0
        elif n == 266:
            h = h + 266.0
        elif n == 267:
            h = h + 267.0
        elif n == 268:
            h = h + 268.0
        elif n == 269:
            h = h + 269.0
        elif n == 270:
            h = h + 270.0
        elif n == 271:
            h = h + 271.0
        elif n == 272:
            h = h + 272.0
        elif n == 273:
            h = h + 273.0
        elif n == 274:
            h = h + 274.0
        elif n == 275:
            h = h + 275.0
        elif n == 276:
            h = h + 276.0
        elif n == 277:
            h = h + 277.0
        elif n == 278:
            h = h + 278.0
        elif n == 279:
            h = h + 279.0
        elif n == 280:
            h = h + 280.0
        elif n == 281:
            h = h + 281.0
        elif n == 282:
            h = h + 282.0
        elif n == 283:
            h = h + 283.0
        elif n == 284:
            h = h + 284.0
        elif n == 285:
            h = h + 285.0
        elif n == 286:
            h = h + 286.0
        elif n == 287:
            h = h + 287.0
        elif n == 288:
            h = h + 288.0
        elif n == 289:
            h = h + 289.0
        elif n == 290:
            h = h + 290.0
        elif n == 291:
            h = h + 291.0
        elif n == 292:
            h = h + 292.0
        elif n == 293:
            h = h + 293.0
        elif n == 294:
            h = h + 294.0
        elif n == 295:
            h = h + 295.0
        elif n == 296:
            h = h + 296.0
        elif n == 297:
            h = h + 297.0
        elif n == 298:
            h = h + 298.0
        elif n == 299:
            h = h + 299.0
        elif n == 300:
            h = h + 300.0
        elif n == 301:
            h = h + 301.0
        elif n == 302:
            h = h + 302.0
        elif n == 303:
            h = h + 303.0
        elif n == 304:
            h = h + 304.0
        elif n == 305:
            h = h + 305.0
        elif n == 306:
            h = h + 306.0
        elif n == 307:
            h = h + 307.0
        elif n == 308:
            h = h + 308.0
        elif n == 309:
            h = h + 309.0
        elif n == 310:
            h = h + 310.0
        elif n == 311:
            h = h + 311.0
        elif n == 312:
            h = h + 312.0
        elif n == 313:
            h = h + 313.0
        elif n == 314:
            h = h + 314.0
        elif n == 315:
            h = h + 315.0
        elif n == 316:
            h = h + 316.0
        elif n == 317:
            h = h + 317.0
        elif n == 318:
            h = h + 318.0
        elif n == 319:
            h = h + 319.0
        elif n == 320:
            h = h + 320.0
        elif n == 321:
            h = h + 321.0
        elif n == 322:
            h = h + 322.0
        elif n == 323:
            h = h + 323.0
        elif n == 324:
            h = h + 324.0
        elif n == 325:
            h = h + 325.0
        elif n == 326:
            h = h + 326.0
        elif n == 327:
            h = h + 327.0
        elif n == 328:
            h = h + 328.0
        elif n == 329:
            h = h + 329.0
        elif n == 330:
            h = h + 330.0
        elif n == 331:
            h = h + 331.0
        elif n == 332:
            h = h + 332.0
        elif n == 333:
            h = h + 333.0
        elif n == 334:
            h = h + 334.0
        elif n == 335:
            h = h + 335.0
        elif n == 336:
            h = h + 336.0
        elif n == 337:
            h = h + 337.0
        elif n == 338:
            h = h + 338.0
        elif n == 339:
            h = h + 339.0
        elif n == 340:
            h = h + 340.0
        elif n == 341:
            h = h + 341.0
        elif n == 342:
            h = h + 342.0
        elif n == 343:
            h = h + 343.0
        elif n == 344:
            h = h + 344.0
        elif n == 345:
            h = h + 345.0
        elif n == 346:
            h = h + 346.0
        elif n == 347:
            h = h + 347.0
        elif n == 348:
            h = h + 348.0
        elif n == 349:
            h = h + 349.0
        elif n == 350:
            h = h + 350.0
        elif n == 351:
            h = h + 351.0
        elif n == 352:
            h = h + 352.0
        elif n == 353:
            h = h + 353.0
        elif n == 354:
            h = h + 354.0
        elif n == 355:
            h = h + 355.0
        elif n == 356:
            h = h + 356.0
        elif n == 357:
            h = h + 357.0
        elif n == 358:
            h = h + 358.0
        elif n == 359:
            h = h + 359.0
        elif n == 360:
            h = h + 360.0
        elif n == 361:
            h = h + 361.0
        elif n == 362:
            h = h + 362.0
        elif n == 363:
            h = h + 363.0
        elif n == 364:
            h = h + 364.0
        elif n == 365:
            h = h + 365.0
        elif n == 366:
            h = h + 366.0
        elif n == 367:
            h = h + 367.0
        elif n == 368:
            h = h + 368.0
        elif n == 369:
            h = h + 369.0
        elif n == 370:
            h = h + 370.0
        elif n == 371:
            h = h + 371.0
        elif n == 372:
            h = h + 372.0
        elif n == 373:
            h = h + 373.0
        elif n == 374:
            h = h + 374.0
        elif n == 375:
            h = h + 375.0
        elif n == 376:
            h = h + 376.0
        elif n == 377:
            h = h + 377.0
        elif n == 378:
            h = h + 378.0
        elif n == 379:
            h = h + 379.0
        elif n == 380:
            h = h + 380.0
        elif n == 381:
            h = h + 381.0
        elif n == 382:
            h = h + 382.0
        elif n == 383:
            h = h + 383.0
        elif n == 384:
            h = h + 384.0
        elif n == 385:
            h = h + 385.0
        elif n == 386:
            h = h + 386.0
        elif n == 387:
            h = h + 387.0
        elif n == 388:
            h = h + 388.0
        elif n == 389:
            h = h + 389.0
        elif n == 390:
            h = h + 390.0
        elif n == 391:
            h = h + 391.0
        elif n == 392:
            h = h + 392.0
        elif n == 393:
            h = h + 393.0
        elif n == 394:
            h = h + 394.0
        elif n == 395:
            h = h + 395.0
        elif n == 396:
            h = h + 396.0
        elif n == 397:
            h = h + 397.0
        elif n == 398:
            h = h + 398.0
        elif n == 399:
            h = h + 399.0
        x = 1
        y = g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(g(x))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))
        z = ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((x))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))
        return h
